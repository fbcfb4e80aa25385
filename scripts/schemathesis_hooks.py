"""Schemathesis hooks for scripts/test-api.sh, the API-contract test of `microgenre serve`.

POST /v1/events takes JSON Lines as application/x-ndjson, a media type Schemathesis has no
serializer for; the document gives that body as a string, so it goes on the wire as text."""
import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
