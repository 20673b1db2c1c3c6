module github.com/unicors/unicors/benches/go

go 1.26

require (
	github.com/jub0bs/cors v1.0.1
	github.com/rs/cors v1.11.1
)

require (
	golang.org/x/net v0.53.0 // indirect
	golang.org/x/text v0.36.0 // indirect
)
