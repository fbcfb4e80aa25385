/// The API's OpenAPI 3.1 document, served at `/openapi.yaml`: the same text as
/// `docs/openapi.yaml` in the repository (a test checks they are equal, and that it lists
/// exactly the routes the router serves). Made by scripts/gen-openapi-swift.py.
public enum OpenAPIDocument {
    /// The document.
    public static let yaml = ##"""
        openapi: 3.1.0
        info:
          title: Microgenre
          version: 0.1.0
          description: >-
            Micro-genre tagging and search for film and TV catalogs. Every answer is JSON, as the
            command-line tool prints it with --json; every error is {"error": {"message", "column"}}.
            A path below asked with a method it does not list is answered 405, with an Allow header
            naming the methods it does; any other path is 404.
        servers:
          - url: http://127.0.0.1:8080
        paths:
          /healthz:
            get:
              summary: The process runs.
              operationId: health
              responses:
                "200":
                  description: Always, while the process runs.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          status: {type: string, const: ok}
                        required: [status]
          /readyz:
            get:
              summary: The index snapshot the server answers from.
              operationId: ready
              responses:
                "200":
                  description: The open snapshot.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          status: {type: string}
                          titles: {type: integer}
                          segments: {type: integer}
                          generation: {type: integer}
                        required: [status, titles, segments, generation]
          /metrics:
            get:
              summary: Metrics in the Prometheus text format.
              operationId: metrics
              responses:
                "200":
                  description: Requests and latency by route and status, and the snapshot's size.
                  content:
                    text/plain:
                      schema: {type: string}
          /openapi.yaml:
            get:
              summary: This document.
              operationId: openapi
              responses:
                "200":
                  description: The OpenAPI document.
                  content:
                    application/yaml:
                      schema: {type: string}
          /v1/query:
            get:
              summary: How a query is understood, as `microgenre query --json` prints it.
              operationId: query
              parameters:
                - $ref: "#/components/parameters/q"
              responses:
                "200":
                  description: The parse.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Parse"}
                "400": {$ref: "#/components/responses/BadRequest"}
          /v1/search:
            get:
              summary: Search, as `microgenre search --json` (or `search --user --json`) prints it.
              operationId: search
              parameters:
                - $ref: "#/components/parameters/q"
                - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 10}}
                - {name: offset, in: query, schema: {type: integer, minimum: 0, maximum: 100000, default: 0}}
                - {name: mode, in: query, schema: {type: string, enum: [lexical, semantic, hybrid]}}
                - {name: explain, in: query, schema: {type: string, enum: ["true", "false", "1", "0"]}}
                - {name: user, in: query, schema: {type: string},
                   description: "Re-rank the best 200 for this user, and answer from them only (none past 200)."}
                - {name: personalization, in: query, schema: {type: number, minimum: 0, maximum: 1, default: 0.5}}
                - {name: diversity, in: query, schema: {type: number, minimum: 0, maximum: 10, default: 0.2}}
              responses:
                "200":
                  description: The results.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          query: {type: string}
                          mode: {type: string}
                          user: {type: string}
                          results: {type: array, items: {type: object}}
                        required: [query, results]
                "400": {$ref: "#/components/responses/BadRequest"}
                "503": {$ref: "#/components/responses/Unavailable"}
          /v1/titles/{id}:
            get:
              summary: A title's tags, scores and evidence, and its full record.
              operationId: title
              parameters:
                - {name: id, in: path, required: true, schema: {type: string, minLength: 1}, example: Office_Space,
                   description: "The title id; a / in it as %2F."}
              responses:
                "200":
                  description: The title.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          id: {type: string}
                          title: {type: string}
                          year: {type: integer}
                          tags: {type: array, items: {type: object}}
                          record: {type: object}
                        required: [id, title, tags, record]
                "404": {$ref: "#/components/responses/NotFound"}
          /v1/users/{user}/rows:
            get:
              summary: A user's home page of micro-genre rows, as `microgenre rows --user --json` prints it.
              operationId: rows
              parameters:
                - {name: user, in: path, required: true, schema: {type: string, minLength: 1}, example: ava}
                - {name: rows, in: query, schema: {type: integer, minimum: 1, maximum: 200, default: 40}}
                - {name: per_row, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 75}}
              responses:
                "200":
                  description: The page.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          user: {type: string}
                          rows: {type: array, items: {type: object}}
                        required: [user, rows]
                "400": {$ref: "#/components/responses/BadRequest"}
                "503": {$ref: "#/components/responses/Unavailable"}
          /v1/genres:
            get:
              summary: The catalog's micro-genres mined from the index's facets.
              operationId: genres
              description: >-
                The micro-genres rows choose from, mined once per index snapshot with the server's
                --min-titles (20 by default), those with at least min_titles titles. A min_titles below
                the server's is a 400.
              parameters:
                - {name: min_titles, in: query, schema: {type: integer, minimum: 20, maximum: 1000000, default: 20}}
                - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100000, default: 100}}
              responses:
                "200":
                  description: The micro-genres, most titles first.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          count: {type: integer}
                          genres: {type: array, items: {type: object}}
                        required: [count, genres]
                "400": {$ref: "#/components/responses/BadRequest"}
          /v1/events:
            post:
              summary: Import viewing events, as `microgenre events import` does.
              operationId: events
              description: >-
                CSV or JSON Lines, gzip allowed, at most 64 MB; one transaction; events already stored
                change nothing. Beyond loopback, needs Authorization Bearer and the server's token.
              requestBody:
                required: true
                content:
                  text/csv:
                    schema: {type: string}
                    example: |
                      user,title,timestamp,event,value
                      ava,Office_Space,2026-03-01T20:15:00Z,complete,
                      ava,Office_Space,2026-03-02T21:00:00Z,rating,4.5
                  application/x-ndjson:
                    schema: {type: string}
                    example: |
                      {"user": "ava", "title": "Office_Space", "timestamp": 1772396100, "event": "play", "value": 3600}
              responses:
                "200":
                  description: What was imported, and the rows rejected.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/EventImport"}
                "400":
                  description: A gzip body that cannot be read to the end; nothing stored.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Error"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "413": {$ref: "#/components/responses/TooLarge"}
                "422":
                  description: No valid row; nothing stored.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/EventImport"}
                "503":
                  description: The server has no events database, or cannot write to it.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Error"}
        components:
          parameters:
            q:
              name: q
              in: query
              required: true
              schema: {type: string, maxLength: 2000}
              example: dark witty comedy -horror year:1990..1999
              description: >-
                The query, as the command line takes it ("dark witty comedy -horror year:1990..1999"); at
                most 2,000 characters, counted as Unicode code points. One the query language cannot read
                (an unclosed quote, an unknown filter) is a 400 naming the column.
          schemas:
            Error:
              type: object
              properties:
                error:
                  type: object
                  properties:
                    message: {type: string}
                    column: {type: integer}
                  required: [message]
              required: [error]
            Parse:
              type: object
              properties:
                query: {type: string}
                facets: {type: array, items: {type: object}}
                terms: {type: array, items: {type: string}}
                phrases: {type: array, items: {type: array, items: {type: string}}}
                names: {type: array, items: {type: array, items: {type: string}}}
                excludedFacets: {type: array, items: {type: object}}
                excludedTerms: {type: array, items: {type: string}}
                filters: {type: array, items: {type: string}}
              required: [query, facets, terms, phrases, names, excludedFacets, excludedTerms, filters]
            EventImport:
              type: object
              properties:
                rows: {type: integer}
                inserted: {type: integer}
                duplicates: {type: integer}
                rejected: {type: integer}
                errors:
                  type: array
                  items:
                    type: object
                    properties:
                      line: {type: integer}
                      column: {type: integer}
                      message: {type: string}
              required: [rows, inserted, duplicates, rejected, errors]
          responses:
            BadRequest:
              description: A malformed query or parameter; the column when the query is at fault.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
            NotFound:
              description: No such title or route.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
            Unauthorized:
              description: A write without the server's token.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
            TooLarge:
              description: A body over the limit.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}
            Unavailable:
              description: The server has no events database.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Error"}

        """##
}
