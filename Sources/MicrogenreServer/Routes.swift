internal import CZlib
public import Hummingbird
import MicrogenreCore
import MicrogenreEvents
import MicrogenreIndex
import MicrogenreQuery
import Synchronization

/// An error a route answers with: its status and a JSON body `{"error": {"message", "column"}}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var column: Int?
}

/// A race between a request's work and its time limit: the first to finish answers.
private final class Race<T: Sendable>: Sendable {
    let done = Mutex(false)
    let timer = Mutex<Task<Void, Never>?>(nil)

    /// Resumes `continuation` with `result` unless the other side did already; says whether it did.
    func finish(_ continuation: CheckedContinuation<T, any Error>, _ result: Result<T, any Error>) -> Bool {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first { continuation.resume(with: result) }
        return first
    }
}

/// Turns every error a route throws (and an unknown route) into a JSON error response: a
/// client sees `{"error": {...}}` with the right status, never a bare 500 page.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Routes.json(APIJSON.error(error.message, column: error.column), status: error.status)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "no such route: \(request.uri.path)" : error.status.reasonPhrase
            return Routes.json(APIJSON.error(message), status: error.status)
        } catch {
            return Routes.json(APIJSON.error("internal error: \(error)"), status: .internalServerError)
        }
    }
}

/// Answers a request for a path the router serves, but not with the request's method, with 405
/// and an `Allow` header naming the methods it serves (the router alone answers 404, as for a
/// path it does not serve). Added after every route, so it runs only where no route matched.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A served path, split at "/" (a segment ":name" matches any segment), and its methods.
    struct Route: Sendable {
        var segments: [String]
        var methods: String
    }
    let routes: [Route]

    init(_ endpoints: [Routes.Endpoint]) {
        let byPath = Dictionary(grouping: endpoints, by: \.path)
        routes = byPath.keys.sorted().map { path in
            Route(
                segments: path.split(separator: "/").map(String.init),
                methods: byPath[path]!.map(\.method).sorted().joined(separator: ", "))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let segments = request.uri.path.split(separator: "/")
        for route in routes where route.segments.count == segments.count {
            guard zip(route.segments, segments).allSatisfy({ $0.hasPrefix(":") || $0 == $1 }) else { continue }
            var response = Routes.json(
                APIJSON.error("\(request.method.rawValue) is not allowed here: \(route.methods) only"),
                status: .methodNotAllowed)
            response.headers[.allow] = route.methods
            return response
        }
        return try await next(request, context)
    }
}

/// The API's routes over an ``Engine``.
public enum Routes {
    /// Results per page at most.
    public static let maximumLimit = 1_000
    /// Query characters (Unicode scalars) at most.
    public static let maximumQueryLength = 2_000

    /// The largest events body accepted, in bytes.
    public static let maximumBody = 64 << 20

    /// Seconds a read is given before its client gets a 503 (the limits on queries, pages and
    /// rows keep every read far below it).
    public static let timeLimit = 10.0

    /// The value of `work`, or a 503 error when it takes over `seconds`. The client is answered
    /// at the limit; the work is cancelled and its result dropped.
    static func limited<T: Sendable>(_ seconds: Double, _ work: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            let task = Task {
                let result: Result<T, any Error>
                do { result = .success(try await work()) } catch { result = .failure(error) }
                if race.finish(continuation, result) { race.timer.withLock { $0?.cancel() } }
            }
            race.timer.withLock {
                $0 = Task {
                    guard (try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))) != nil else { return }
                    let timeout = APIError(
                        status: .serviceUnavailable, message: "the request took over \(seconds) s and was stopped")
                    if race.finish(continuation, .failure(timeout)) { task.cancel() }
                }
            }
            // The work may have finished before its timer was set.
            if race.done.withLock({ $0 }) { race.timer.withLock { $0?.cancel() } }
        }
    }

    /// With a user, a search re-ranks its best this many results, and answers from them only:
    /// the diverse re-ranking costs about the cube of what it ranks, so offset + limit (up to
    /// 101,000) must not widen it.
    public static let personalCandidates = 200

    /// The router: `/healthz`, `/readyz`, `/v1/query`, `/v1/search`, `/v1/titles/{id}`,
    /// `/v1/users/{user}/rows`, `POST /v1/events`. With `writeToken`, a write needs
    /// `Authorization: Bearer` and that token.
    public static func router(
        _ engine: Engine, writeToken: String? = nil, maximumBody: Int = Routes.maximumBody,
        metrics: ServerMetrics = ServerMetrics(), timeLimit: Double = Routes.timeLimit
    ) -> Router<BasicRequestContext> {
        build(engine, writeToken: writeToken, maximumBody: maximumBody, metrics: metrics, timeLimit: timeLimit).router
    }

    /// A route the router serves: its method and path, in Hummingbird's syntax (`:id`).
    public struct Endpoint: Sendable, Hashable {
        public var method: String
        public var path: String
    }

    /// The router and the routes it serves (for checking them against the OpenAPI document).
    public static func build(
        _ engine: Engine, writeToken: String? = nil, maximumBody: Int = Routes.maximumBody,
        metrics: ServerMetrics = ServerMetrics(), timeLimit: Double = Routes.timeLimit
    ) -> (router: Router<BasicRequestContext>, endpoints: [Endpoint]) {
        let router = Router()
        var endpoints: [Endpoint] = []
        /// Registers a GET route, answered within `timeLimit` seconds, and records it.
        func get(
            _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
        ) {
            endpoints.append(Endpoint(method: "GET", path: path))
            router.get(RouterPath(path)) { request, context in
                try await limited(timeLimit) { try await handler(request, context) }
            }
        }
        func post(
            _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
        ) {
            endpoints.append(Endpoint(method: "POST", path: path))
            router.post(RouterPath(path), use: handler)
        }
        router.add(middleware: MetricsRecorder(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware())
        get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.text(engine))))
        }
        get("/healthz") { _, _ in json(Array(#"{"status":"ok"}"#.utf8)) }
        get("/readyz") { _, _ in
            let index = engine.index
            var writer = JSONWriter()
            writer.beginObject()
            writer.string("ready", "status")
            writer.number(index.liveCount, "titles")
            writer.number(index.segments.count, "segments")
            writer.number(engine.generation, "generation")
            writer.endObject()
            return json(writer.bytes)
        }
        get("/v1/query") { request, _ in
            json(APIJSON.query(try parse(request, engine)))
        }
        get("/v1/search") { request, _ in
            let parameters = request.uri.queryParameters
            // The same request on the same snapshot (and for a user, the same state of theirs)
            // gets the same answer: kept in the engine's response cache.
            var key = "search\u{0}\(engine.snapshotGeneration)\u{0}" + (request.uri.query ?? "")
            if let user = parameters.get("user") {
                key += "\u{0}" + (engine.userState(user) ?? "")
            }
            if let cached = engine.responses.value(key) { return json(cached) }
            let parsed = try parse(request, engine)
            let limit = try integer(request, "limit", default: 10, range: 1...maximumLimit)
            let offset = try integer(request, "offset", default: 0, range: 0...100_000)
            var mode: SearchMode?
            if let name = parameters.get("mode") {
                guard let value = SearchMode(rawValue: name) else {
                    throw APIError(
                        status: .badRequest, message: "mode must be lexical, semantic or hybrid, found '\(name)'")
                }
                mode = value
            }
            let explain = try flag(request, "explain")
            // Checked with or without a user, so a bad value is a 400 either way.
            let personalization = try fraction(request, "personalization", default: 0.5, range: 0...1)
            let diversity = try fraction(request, "diversity", default: 0.2, range: 0...10)
            if let user = parameters.get("user") {
                guard
                    let ranked = engine.personalSearch(
                        parsed, user: user, limit: min(offset + limit, personalCandidates), mode: mode,
                        personalization: personalization, diversity: diversity, candidates: personalCandidates)
                else {
                    throw APIError(
                        status: .serviceUnavailable,
                        message: "no viewing events: start the server with --events DB to search for a user")
                }
                var body = Array(#"{"query":"#.utf8)
                var writer = JSONWriter()
                writer.string(parsed.text)
                writer.string(user, "user")
                body += writer.bytes + Array(#","results":["#.utf8)
                for (k, item) in ranked.dropFirst(offset).enumerated() {
                    if k > 0 { body.append(UInt8(ascii: ",")) }
                    body += APIJSON.personalHit(item.hit, item.result)
                }
                body += Array("]}".utf8)
                engine.responses.insert(body, for: key, cost: body.count)
                return json(body)
            }
            let (hits, used) = engine.search(parsed, limit: limit, offset: offset, explain: explain, mode: mode)
            var body = Array(#"{"query":"#.utf8)
            var writer = JSONWriter()
            writer.string(parsed.text)
            body += writer.bytes
            body += Array(#","mode":""#.utf8) + Array(used.rawValue.utf8) + Array(#"","results":["#.utf8)
            for (k, hit) in hits.enumerated() {
                if k > 0 { body.append(UInt8(ascii: ",")) }
                body += APIJSON.hit(hit)
            }
            body += Array("]}".utf8)
            engine.responses.insert(body, for: key, cost: body.count)
            return json(body)
        }
        get("/v1/users/:user/rows") { request, context in
            let user = percentDecoded(context.parameters.get("user") ?? "")
            let rows = try integer(request, "rows", default: 40, range: 1...200)
            let perRow = try integer(request, "per_row", default: 75, range: 1...500)
            let key =
                "rows\u{0}\(engine.snapshotGeneration)\u{0}\(user)\u{0}\(engine.userState(user) ?? "")\u{0}\(rows)\u{0}\(perRow)"
            if let cached = engine.responses.value(key) { return json(cached) }
            guard let page = engine.page(user: user, rows: rows, perRow: perRow) else {
                throw APIError(
                    status: .serviceUnavailable,
                    message: "no viewing events: start the server with --events DB (microgenre events import makes one)"
                )
            }
            engine.responses.insert(page, for: key, cost: page.count)
            return json(page)
        }
        get("/v1/genres") { request, _ in
            let minimum = try integer(
                request, "min_titles", default: engine.minimumGenreTitles,
                range: engine.minimumGenreTitles...max(engine.minimumGenreTitles, 1_000_000))
            let limit = try integer(request, "limit", default: 100, range: 1...100_000)
            let (genres, catalog) = try engine.genres(minimumTitles: minimum)
            var writer = JSONWriter()
            writer.beginObject()
            writer.number(genres.count, "count")
            writer.beginArray("genres")
            for genre in genres.prefix(limit) {
                writer.beginObject()
                writer.string(genre.name, "name")
                writer.strings(genre.tags.map(\.rawValue), "facets")
                writer.number(genre.members.count, "titles")
                writer.strings(genre.members.prefix(5).map { catalog.ids[$0].rawValue }, "examples")
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return json(writer.bytes)
        }
        post("/v1/events") { request, _ in
            if let writeToken {
                guard request.headers[.authorization] == "Bearer " + writeToken else {
                    throw APIError(
                        status: .unauthorized, message: "writes need Authorization: Bearer and the server's token")
                }
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumBody)
            } catch {
                throw APIError(status: .contentTooLarge, message: "the body is over \(maximumBody) bytes")
            }
            let bytes = Array(buffer: body)
            // A damaged gzip body is the client's fault: a 400, not the store's 503.
            if let damage = gzipDamage(bytes) {
                throw APIError(status: .badRequest, message: "the body is gzip but cannot be read: \(damage)")
            }
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let format: EventParser.Format? =
                contentType.contains("json") ? .jsonl : contentType.contains("csv") ? .csv : nil
            let result: Engine.EventImport
            do {
                result = try engine.importEvents(bytes, format: format)
            } catch {
                throw APIError(status: .serviceUnavailable, message: "cannot store the events: \(error)")
            }
            var writer = JSONWriter()
            writer.beginObject()
            writer.number(result.rows, "rows")
            writer.number(result.summary.inserted, "inserted")
            writer.number(result.summary.duplicates, "duplicates")
            writer.number(result.errors.count, "rejected")
            writer.beginArray("errors")
            for error in result.errors.prefix(100) {
                writer.beginObject()
                writer.number(error.location.line, "line")
                writer.optional(error.location.column, "column")
                writer.string(error.message, "message")
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            let valid = result.rows - result.errors.count
            return json(writer.bytes, status: valid == 0 ? .unprocessableContent : .ok)
        }
        get("/v1/titles/:id") { _, context in
            // An id holding "/" (XMLTV's CHANNEL@START/STOP) comes percent-encoded, as %2F.
            let id = percentDecoded(context.parameters.get("id") ?? "")
            guard let (record, tags) = try engine.title(TitleID(id)) else {
                throw APIError(status: .notFound, message: "no title with id '\(id)'")
            }
            var recordWriter = JSONWriter()
            record.write(to: &recordWriter)
            var writer = JSONWriter()
            writer.beginObject()
            writer.string(record.id.rawValue, "id")
            writer.string(record.title, "title")
            writer.optional(record.year, "year")
            APIJSON.tags(tags, to: &writer)
            // The full record, as `ingest --json` prints it.
            writer.raw(recordWriter.string, "record")
            writer.endObject()
            let body = writer.bytes
            return json(body)
        }
        // The pages people look at (not part of the API document).
        Pages.register(router, engine: engine, timeLimit: timeLimit)
        get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.add(middleware: MethodNotAllowedMiddleware(endpoints))
        return (router, endpoints)
    }

    /// `text` with its %XX escapes decoded (left as written where one is malformed, or where
    /// the bytes are not UTF-8).
    static func percentDecoded(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var k = 0
        while k < input.count {
            if input[k] == UInt8(ascii: "%"), k + 2 < input.count,
                let high = hexValue(input[k + 1]), let low = hexValue(input[k + 2])
            {
                bytes.append(high << 4 | low)
                k += 3
            } else {
                bytes.append(input[k])
                k += 1
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Why `bytes`, when they are gzip (they start with its magic number), cannot be read to the
    /// end; nil when they are not gzip or can. Reads as zlib's gzread, which the import uses,
    /// does: member after member, ignoring what follows the last that is not gzip; but where
    /// gzread hands over what it could of a member cut short (an upload cut off), this calls it
    /// damaged. The output is discarded, 64 KB at a time: a body that inflates hugely costs
    /// time, not memory.
    static func gzipDamage(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else { return nil }
        var stream = z_stream()
        // 15 + 16: a gzip wrapper around a window of up to 32 KB.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return "zlib cannot start"
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 1 << 16)
        return bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status = output.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let next = input.count - Int(stream.avail_in)
                    guard next + 1 < input.count, input[next] == 0x1F, input[next + 1] == 0x8B else { return nil }
                    inflateReset(&stream)
                case Z_BUF_ERROR:
                    return "it ends early"
                default:
                    return stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                }
            }
        }
    }

    /// A JSON response.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The request's `q`, parsed; a missing, overlong or malformed query is a 400 naming the
    /// column, as the CLI does.
    static func parse(_ request: Request, _ engine: Engine) throws -> ParsedQuery {
        guard let query = request.uri.queryParameters.get("q") else {
            throw APIError(status: .badRequest, message: "missing query parameter 'q'")
        }
        // Counted in Unicode scalars, as the document's maxLength (JSON Schema) counts: counted in
        // Characters, a run of combining marks or emoji modifiers is one and passes any limit.
        guard query.unicodeScalars.count <= maximumQueryLength else {
            throw APIError(status: .badRequest, message: "query longer than \(maximumQueryLength) characters")
        }
        do {
            return try engine.parse(query)
        } catch let error as QueryError {
            throw APIError(status: .badRequest, message: error.message, column: error.range.lowerBound + 1)
        }
    }

    /// A true-or-false parameter: `true` or `1`, `false` or `0`, false when absent; otherwise a 400.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return false }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw APIError(status: .badRequest, message: "\(name) must be true, false, 1 or 0, found '\(text)'")
        }
    }

    /// A number parameter within `range`, or `default` when absent; otherwise a 400.
    static func fraction(_ request: Request, _ name: String, default value: Double, range: ClosedRange<Double>) throws
        -> Double
    {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw APIError(
                status: .badRequest,
                message: "\(name) must be a number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return number
    }

    /// An integer parameter within `range`, or `default` when absent; otherwise a 400.
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(
                status: .badRequest,
                message:
                    "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return number
    }
}
