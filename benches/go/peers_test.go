// The Go peers of the core row of targets.md — rs/cors and jub0bs/cors —
// on the workload of peer-bench.md, as net/http middleware around a
// trivial handler, each request served to a fresh minimal ResponseWriter.
// Cost = ns/op of the middleware minus ns/op of the bare handler.
//
//	go test -run '^$' -bench . -benchtime 200ms -count 15   (benches/go/run.sh)
package peers

import (
	"net/http"
	"strings"
	"testing"

	jub0bs "github.com/jub0bs/cors"
	rscors "github.com/rs/cors"
)

var (
	origins = []string{"https://app.example.com", "https://admin.example.com", "http://localhost:3000"}
	methods = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	headers = []string{"content-type", "authorization", "x-request-id"}
	browser = map[string]string{
		"Host": "api.example.com", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0", "Accept": "*/*",
		"Accept-Language": "en-US,en;q=0.9", "Accept-Encoding": "gzip, deflate, br", "Referer": "https://app.example.com/page",
		"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "empty", "Connection": "keep-alive",
	}
	hostile = strings.Repeat("a,,,b,,,c,,,d,", 293)[:4093]
)

// kinds: (a)–(e) of peer-bench.md.
var kinds = []struct {
	name, method string
	cors         map[string]string
}{
	{"a", "OPTIONS", map[string]string{"Origin": "https://admin.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-request-id"}},
	{"b", "GET", map[string]string{"Origin": "https://app.example.com"}},
	{"c", "GET", map[string]string{"Origin": "https://evil.example.net"}},
	{"d", "GET", map[string]string{}},
	{"e", "OPTIONS", map[string]string{"Origin": "https://admin.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": hostile}},
}

// writer is the least a handler needs: a header map reused after clearing.
type writer struct {
	h      http.Header
	status int
}

func (w *writer) Header() http.Header         { return w.h }
func (w *writer) Write(b []byte) (int, error) { return len(b), nil }
func (w *writer) WriteHeader(status int)      { w.status = status }

var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

func handlers(tb testing.TB) map[string]http.Handler {
	rs := rscors.New(rscors.Options{
		AllowedOrigins: origins, AllowedMethods: methods, AllowedHeaders: headers,
		ExposedHeaders: []string{"x-request-id"}, AllowCredentials: true, MaxAge: 600,
	})
	jb, err := jub0bs.NewMiddleware(jub0bs.Config{
		Origins: origins, Credentialed: true, Methods: methods, RequestHeaders: headers,
		MaxAgeInSeconds: 600, ResponseHeaders: []string{"x-request-id"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return map[string]http.Handler{"bare": app, "rs-cors": rs.Handler(app), "jub0bs-cors": jb.Wrap(app)}
}

func request(method string, cors map[string]string) *http.Request {
	r, _ := http.NewRequest(method, "http://api.example.com/api/items", nil)
	for k, v := range browser {
		r.Header.Set(k, v)
	}
	for k, v := range cors {
		r.Header.Set(k, v)
	}
	return r
}

func BenchmarkPeers(b *testing.B) {
	hs := handlers(b)
	for _, kind := range kinds {
		for _, name := range []string{"bare", "rs-cors", "jub0bs-cors"} {
			h := hs[name]
			b.Run(name+"/"+kind.name, func(b *testing.B) {
				r := request(kind.method, kind.cors)
				w := &writer{h: make(http.Header, 16)}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					clear(w.h)
					h.ServeHTTP(w, r)
				}
			})
		}
	}
}

// The peers answer the workload as peer-bench.md saw them answer it.
func TestPeersAnswer(t *testing.T) {
	hs := handlers(t)
	for _, name := range []string{"rs-cors", "jub0bs-cors"} {
		w := &writer{h: http.Header{}}
		hs[name].ServeHTTP(w, request(kinds[0].method, kinds[0].cors))
		if got := w.h.Get("Access-Control-Allow-Origin"); got != "https://admin.example.com" {
			t.Errorf("%s: allowed preflight gave ACAO %q", name, got)
		}
		w = &writer{h: http.Header{}}
		hs[name].ServeHTTP(w, request(kinds[2].method, kinds[2].cors))
		if got := w.h.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%s: disallowed origin got ACAO %q", name, got)
		}
	}
}
