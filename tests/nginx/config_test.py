"""`nginx -t` on broken and valid configurations: an invalid policy file,
invalid inline directives, `unicors on` without a policy, a valid config and
the README's example (examples/nginx/nginx.conf)."""

from harness import ROOT, Nginx, Problems, free_port, nginx_conf, upstream_server


def line_of(text, needle):
    """1-based number of the first line of `text` containing `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise ValueError(f"{needle!r} not in the text")


def emerg_lines(stderr):
    return [line for line in stderr.splitlines() if "[emerg]" in line]


def conftest_setup(base, module):
    """Configurations in one prefix: conf/bad-policy.conf,
    conf/bad-inline.conf, conf/bad-combination.conf, conf/no-policy.conf,
    conf/valid.conf, conf/example.conf."""
    server = Nginx(base / "conftest")
    up, port = free_port(), free_port()
    bad_policy = server.write(
        "policies/bad-policy.toml",
        'allow_origins = ["https://App.example.com"]\nmax_age = -1\n')
    good_policy = server.write(
        "policies/good-policy.toml",
        'allow_origins = ["https://app.example.com"]\n'
        'allow_methods = ["PUT"]\nmax_age = 600\n')

    def conf(directives):
        return nginx_conf(module, upstream_server(up) + f"""
    server {{
        listen 127.0.0.1:{port};
        unicors on;
{directives}
        location / {{
            proxy_pass http://127.0.0.1:{up};
        }}
    }}
""")

    server.confs = {
        "bad-policy": (server.write("conf/bad-policy.conf",
                                    conf(f'        unicors_policy "{bad_policy}";')),
                       "unicors_policy"),
        "bad-inline": (server.write("conf/bad-inline.conf",
                                    conf("        unicors_allow_origins https://*.com;")),
                       "unicors_allow_origins"),
        # `*` (line A) with credentials (line B): the problem's field is
        # allow_origins[0], so it points at line A.
        "bad-combination": (server.write("conf/bad-combination.conf", conf(
            "        unicors_allow_credentials on;\n"
            "        unicors_allow_origins *;")), "unicors_allow_origins"),
        "no-policy": (server.write("conf/no-policy.conf", conf("")), "unicors on"),
        "valid": (server.write("conf/valid.conf", conf(
            f'        unicors_policy "{good_policy}";\n'
            "        unicors_allow_credentials on;\n"
            "        unicors_expose_headers X-Total;\n")), None),
    }
    # The README's example, with this run's module, policy and log paths.
    example = (ROOT / "examples" / "nginx" / "nginx.conf").read_text()
    example = (example
               .replace("/usr/lib/nginx/modules/ngx_http_unicors_module.so", str(module))
               .replace("/etc/nginx/cors/policy.toml", str(ROOT / "examples" / "policy.toml"))
               .replace("/var/log/nginx/", str(server.prefix / "logs") + "/"))
    example = example.replace("events {}", "pid logs/example.pid;\nerror_log logs/example.log;\nevents {}")
    server.confs["example"] = (server.write("conf/example.conf", example), None)
    server.bad_policy_name = bad_policy.name
    return server


def check_emerg(stderr, where, needles):
    """An [emerg] line containing every needle and the `file:LINE`."""
    for line in emerg_lines(stderr):
        if where in line and all(n in line for n in needles):
            return True
    return False


def run_conftest(server, results):
    conf, directive = server.confs["bad-policy"]
    rc, stderr = server.test(f"conf/{conf.name}")
    where = f"{conf}:{line_of(conf.read_text(), directive)}"
    p = Problems()
    p.expect(rc != 0, "nginx -t exited 0")
    for field, code in (("allow_origins[0]", "origin_not_canonical"),
                        ("max_age", "max_age_out_of_range")):
        p.expect(check_emerg(stderr, where, ["unicors", field, code, server.bad_policy_name]),
                 f"no [emerg] line with {field}, {code}, {server.bad_policy_name} and {where}")
    if p:
        p.append("stderr was:\n" + stderr.strip())
    results.record("nginx -t: invalid policy file reports both problems", p)

    conf, directive = server.confs["bad-inline"]
    rc, stderr = server.test(f"conf/{conf.name}")
    where = f"{conf}:{line_of(conf.read_text(), directive)}"
    p = Problems()
    p.expect(rc != 0, "nginx -t exited 0")
    p.expect(check_emerg(stderr, where, ["unicors", "origin_public_suffix_wildcard"]),
             f"no [emerg] line with origin_public_suffix_wildcard and {where}")
    if p:
        p.append("stderr was:\n" + stderr.strip())
    results.record("nginx -t: invalid inline unicors_allow_origins", p)

    for name, needles, label in (
            ("bad-combination", ["allow_origins[0]", "origin_wildcard_with_credentials"],
             "`*` with credentials points at the allow_origins line"),
            ("no-policy", ["unicors is on but no policy"],
             "`unicors on` without a policy points at its line")):
        conf, directive = server.confs[name]
        rc, stderr = server.test(f"conf/{conf.name}")
        where = f"{conf}:{line_of(conf.read_text(), directive)}"
        p = Problems()
        p.expect(rc != 0, "nginx -t exited 0")
        p.expect(check_emerg(stderr, where, needles), f"no [emerg] line with {needles} and {where}")
        if p:
            p.append("stderr was:\n" + stderr.strip())
        results.record(f"nginx -t: {label}", p)

    conf, _ = server.confs["valid"]
    rc, stderr = server.test(f"conf/{conf.name}")
    p = Problems()
    p.expect(rc == 0, f"nginx -t exited {rc}:\n{stderr.strip()}")
    results.record("nginx -t: valid configuration (TOML policy + inline keys)", p)

    conf, _ = server.confs["example"]
    rc, stderr = server.test(f"conf/{conf.name}")
    p = Problems()
    p.expect(rc == 0, f"nginx -t exited {rc}:\n{stderr.strip()}")
    results.record("nginx -t: examples/nginx/nginx.conf (the README's example)", p)
