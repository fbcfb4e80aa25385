import Hummingbird
import HummingbirdTesting
import MicrogenreCore
import MicrogenreIndex
import MicrogenreServer
import MicrogenreTagging
import MicrogenreTaxonomy
import MicrogenreTestSupport
import Testing

/// The API's routes on a small index, through Hummingbird's router test client: each answers
/// what the library (and so the command) gives for the same input, and no input a client can
/// send gets anything but a JSON answer.
@Suite struct RoutesTests {
    static let taxonomy: Taxonomy = {
        var directory = #filePath
        for _ in 0..<3 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
        return try! Taxonomy.load(directory: directory + "/Taxonomy")
    }()

    /// An index of six titles, one of them named like an attack.
    static func engine() throws -> Engine { try engineAndDirectory().engine }

    static func engineAndDirectory() throws -> (engine: Engine, directory: IndexDirectory) {
        let tagger = try Tagger(taxonomy: taxonomy)
        let synopses = [
            ("office", "Office Space", "Office Space is a 1999 American black comedy film about a workplace."),
            ("heist", "The Job", "The Job is a 1995 American heist thriller film about a bank robbery crew."),
            ("western", "Dust", "Dust is a 1956 American western film about cattle ranchers."),
            ("romance", "Paris Nights", "Paris Nights is a 2004 French romantic comedy film set in Paris."),
            ("horror", "The House", "The House is a 1981 American horror film about a haunted house."),
            ("xss", "<script>alert(1)</script>", "A 2001 comedy film whose title is markup."),
        ]
        let records = synopses.map { id, title, synopsis in
            TitleRecord(
                id: TitleID(id), kind: .movie, title: title, year: 1990,
                synopses: [Synopsis(length: .short, language: "en", text: synopsis)])
        }
        let directory = IndexDirectory(path: Scratch.file("server-index"))
        _ = try directory.apply(IndexUpdate(records: records)) { record, vector in
            tagger.tag(record, vector: vector).map { (tag: $0.tag, score: $0.score) }
        }
        return (
            try Engine(
                directory: directory, taxonomy: taxonomy, model: nil, embedder: nil,
                eventsPath: Scratch.file("server-events", suffix: ".sqlite"), minimumGenreTitles: 2),
            directory
        )
    }

    /// Events posted: imported in one transaction, bad rows reported with line and column, a
    /// body with no valid row refused (422) and stored nothing, re-posting changes nothing, and
    /// the next page is the user's own.
    @Test func postedEventsAreImportedAndServed() async throws {
        let engine = try Self.engine()
        let app = Application(router: Routes.router(engine, maximumBody: 4096))
        let csv =
            "user,title,timestamp,event,value\nana,heist,2026-03-01,complete,\nana,nope,soon,complete,\nana,office,2026-03-02,rating,4.5\n"
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/events", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    self.body(response)
                        == #"{"rows":3,"inserted":2,"duplicates":0,"rejected":1,"errors":[{"line":3,"column":1,"message":"timestamp 'soon' is neither seconds since 1970 nor ISO 8601"}]}"#
                )
            }
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(self.body(response).contains(#""inserted":0,"duplicates":2"#))
            }
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: "a,b\nc,d\n")) {
                response in
                #expect(response.status == .unprocessableContent && self.body(response).contains(#""inserted":0"#))
            }
            let large = ByteBuffer(string: String(repeating: "x", count: 5000))
            try await client.execute(uri: "/v1/events", method: .post, body: large) { response in
                #expect(response.status == .contentTooLarge && self.body(response).contains("over 4096 bytes"))
            }
            try await client.execute(uri: "/v1/users/ana/rows?rows=5&per_row=1", method: .get) { response in
                #expect(response.status == .ok && self.body(response).hasPrefix(#"{"user":"ana","rows":["#))
            }
        }
        // With a token, a write without it is refused.
        let guarded = Application(router: Routes.router(engine, writeToken: "0123456789abcdef"))
        try await guarded.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/v1/events", method: .post, headers: [.authorization: "Bearer 0123456789abcdef"],
                body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// A snapshot `microgenre index` publishes is answered from at the next look; a request that
    /// holds the old one still reads it whole.
    @Test func aNewSnapshotIsServedWithoutARestart() async throws {
        let (engine, directory) = try Self.engineAndDirectory()
        let old = engine.index
        #expect(try engine.reloadIfChanged() == false)
        let record = TitleRecord(
            id: TitleID("late"), kind: .movie, title: "Late Arrival", year: 2020,
            synopses: [Synopsis(length: .short, language: "en", text: "A 2020 heist thriller film about a vault.")])
        let tagger = try Tagger(taxonomy: Self.taxonomy)
        _ = try directory.apply(IndexUpdate(records: [record], merge: true)) { record, vector in
            tagger.tag(record, vector: vector).map { (tag: $0.tag, score: $0.score) }
        }
        #expect(try engine.reloadIfChanged() == true)
        #expect(engine.generation == 2 && engine.index.liveCount == 7)
        #expect(engine.search(try engine.parse("vault"), limit: 5).hits.map(\.id) == [TitleID("late")])
        // The old snapshot, whose segment file the merge removed, still answers.
        #expect(old.liveCount == 6 && old.titleID(0).rawValue.isEmpty == false)
        let app = Application(router: Routes.router(engine))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/titles/late", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func healthReadinessQueryAndSearchAnswerAsTheLibraryDoes() async throws {
        let engine = try Self.engine()
        let app = Application(router: Routes.router(engine))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok && self.body(response) == #"{"status":"ok"}"#)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(self.body(response) == #"{"status":"ready","titles":6,"segments":1,"generation":1}"#)
            }
            let parsed = try engine.parse("dark comedy -horror year:1990..1999")
            try await client.execute(uri: "/v1/query?q=dark%20comedy%20-horror%20year:1990..1999", method: .get) {
                response in
                #expect(response.status == .ok)
                #expect(self.body(response) == String(decoding: APIJSON.query(parsed), as: UTF8.self))
            }
            let (hits, _) = engine.search(try engine.parse("comedy"), limit: 2, offset: 1)
            try await client.execute(uri: "/v1/search?q=comedy&limit=2&offset=1", method: .get) { response in
                #expect(response.status == .ok)
                let expected = hits.map { String(decoding: APIJSON.hit($0), as: UTF8.self) }.joined(separator: ",")
                #expect(self.body(response) == #"{"query":"comedy","mode":"lexical","results":["# + expected + "]}")
                #expect(hits.count == 2)
            }
        }
    }

    @Test func aTitleComesWithItsTagsEvidenceAndRecord() async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/titles/heist", method: .get) { response in
                let text = self.body(response)
                #expect(response.status == .ok)
                #expect(text.hasPrefix(#"{"id":"heist","title":"The Job","year":1990,"tags":[{"tag":"#))
                #expect(text.contains(#""tag":"heist""#) && text.contains(#""source":"synopsis""#))
                #expect(text.contains(#""record":{"id":"heist","kind":"movie""#))
            }
            // A title named like markup is data: escaped as JSON, never interpreted.
            try await client.execute(uri: "/v1/titles/xss", method: .get) { response in
                #expect(
                    self.body(response).contains(#""title":"<script>alert(1)<\/script>""#)
                        || self.body(response).contains(#""title":"<script>alert(1)</script>""#))
            }
        }
    }

    /// Bad input: JSON errors with the right status, and the column of a malformed query.
    @Test(
        arguments: [
            ("/v1/query?q=colour:red%20comedy", 400, "unknown filter 'colour'", 1),
            ("/v1/search?q=comedy%20%22unclosed", 400, "unterminated quote", 8),
            ("/v1/search", 400, "missing query parameter 'q'", nil),
            ("/v1/search?q=comedy&limit=0", 400, "limit must be a whole number from 1 to 1000", nil),
            ("/v1/search?q=comedy&limit=99999", 400, "limit must be a whole number from 1 to 1000", nil),
            ("/v1/search?q=comedy&offset=-1", 400, "offset must be", nil),
            ("/v1/search?q=comedy&mode=fuzzy", 400, "mode must be lexical, semantic or hybrid", nil),
            // The document's enum and ranges hold with or without a user.
            ("/v1/search?q=comedy&explain=yes", 400, "explain must be true, false, 1 or 0, found 'yes'", nil),
            ("/v1/search?q=comedy&personalization=7", 400, "personalization must be a number from 0.0 to 1.0", nil),
            ("/v1/search?q=comedy&diversity=-1", 400, "diversity must be a number from 0.0 to 10.0", nil),
            ("/v1/titles/no-such-title", 404, "no title with id 'no-such-title'", nil),
            ("/v1/nothing-here", 404, "no such route: /v1/nothing-here", nil),
        ] as [(String, Int, String, Int?)])
    func badRequestsGetJSONErrors(uri: String, status: Int, message: String, column: Int?) async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                let text = self.body(response)
                #expect(response.status.code == status, "\(uri): \(text)")
                #expect(text.hasPrefix(#"{"error":{"message":""#), "\(text)")
                #expect(text.contains(message), "\(text)")
                if let column { #expect(text.hasSuffix(#","column":\#(column)}}"#), "\(text)") }
            }
        }
    }

    /// A path the router serves asked with another method: 405 naming the methods in `Allow`
    /// (the unsupported-method check of the API contract test), still a JSON error; a path it
    /// does not serve stays a 404.
    @Test func anotherMethodOnAServedPathIsNotAllowed() async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        try await app.test(.router) { client in
            for (method, uri, allow) in [
                (HTTPRequest.Method.trace, "/healthz", "GET"), (.delete, "/v1/titles/heist", "GET"),
                (.put, "/v1/users/ana/rows", "GET"), (.get, "/v1/events", "POST"), (.post, "/v1/search?q=x", "GET"),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow)
                    #expect(self.body(response).hasPrefix(#"{"error":{"message":""#))
                }
            }
            for (method, uri) in [(HTTPRequest.Method.trace, "/v1/nothing-here"), (.delete, "/v1/titles/a/b")] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .notFound, "\(method) \(uri)")
                }
            }
        }
    }

    /// `text` as a gzip member of one stored (uncompressed) deflate block.
    static func gzip(_ text: String) -> [UInt8] {
        let data = Array(text.utf8)
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc = ~crc
        func le(_ value: UInt32, _ count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        let length = UInt32(data.count)
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 1] + le(length, 2) + le(~length, 2) + data + le(crc, 4)
            + le(length, 4)
    }

    /// A gzip body that cannot be read is the client's fault: a 400 JSON error that stores
    /// nothing, not the store's 503. One that can (two members, or junk after the last) imports.
    @Test func aDamagedGzipBodyIsABadRequest() async throws {
        let engine = try Self.engine()
        let app = Application(router: Routes.router(engine))
        let first = Self.gzip("user,title,timestamp,event,value\nbo,heist,2026-03-01,complete,\n")
        let second = Self.gzip("bo,office,2026-03-02,complete,\n")
        // A reserved deflate block type.
        let damaged = first.prefix(10) + [0x07] + first.dropFirst(11)
        try await app.test(.router) { client in
            for body in [Array(damaged), Array(first.dropLast(8)), Array(first.prefix(12))] {
                try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(bytes: body)) { response in
                    #expect(response.status == .badRequest, "\(self.body(response))")
                    #expect(
                        self.body(response).hasPrefix(#"{"error":{"message":"the body is gzip but cannot be read: "#))
                }
            }
            #expect(engine.eventCount == 0)
            let good = first + second + Array("not gzip".utf8)
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(bytes: good)) { response in
                #expect(response.status == .ok)
                #expect(self.body(response).hasPrefix(#"{"rows":2,"inserted":2,"#), "\(self.body(response))")
            }
        }
    }

    /// With a user, a search answers from its best 200 re-ranked, however far offset and limit
    /// reach: re-ranking offset + limit titles (offset=99999 on a catalog that matches) took
    /// the server minutes.
    @Test func aPersonalSearchReranksItsBest200Only() async throws {
        let tagger = try Tagger(taxonomy: Self.taxonomy)
        let records = (0..<260).map { k in
            TitleRecord(
                id: TitleID("t\(k)"), kind: .movie, title: "Title \(k)", year: 1990 + k % 30,
                synopses: [Synopsis(length: .short, language: "en", text: "A comedy film about office number \(k).")])
        }
        let directory = IndexDirectory(path: Scratch.file("server-index-260"))
        _ = try directory.apply(IndexUpdate(records: records)) { record, vector in
            tagger.tag(record, vector: vector).map { (tag: $0.tag, score: $0.score) }
        }
        let engine = try Engine(
            directory: directory, taxonomy: Self.taxonomy, model: nil, embedder: nil,
            eventsPath: Scratch.file("server-events-260", suffix: ".sqlite"))
        let app = Application(router: Routes.router(engine))
        let csv = "user,title,timestamp,event,value\nana,t1,2026-03-01,complete,\n"
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .ok)
            }
            for (query, count) in [("limit=1000", 200), ("limit=10&offset=195", 5), ("limit=10&offset=99999", 0)] {
                try await client.execute(uri: "/v1/search?q=comedy&user=bo&" + query, method: .get) { response in
                    #expect(response.status == .ok)
                    let results = self.body(response).components(separatedBy: #""relevance":"#).count - 1
                    #expect(results == count, "\(query)")
                }
            }
        }
    }

    /// A timestamp no time can have is a rejected row: a real past Int64 trapped in the parser,
    /// and a stored Int64.min overflowed the age of every event at the next load (the server
    /// crashed, and again at each start on that database).
    @Test func aTimestampBeyondAnyYearIsARejectedRowNotACrash() async throws {
        let engine = try Self.engine()
        let app = Application(router: Routes.router(engine))
        let csv =
            "user,title,timestamp,event,value\nana,heist,-7.778886757291619e+249,complete,\n"
            + "ana,heist,-9223372036854775808,complete,\nana,office,9223372036854775807,complete,\n"
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(self.body(response).hasPrefix(#"{"rows":3,"inserted":0,"duplicates":0,"rejected":3,"#))
                #expect(self.body(response).contains("timestamp '-9223372036854775808' is neither"))
            }
            let good = "user,title,timestamp,event,value\nana,heist,2026-03-01,complete,\n"
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: good)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/users/ana/rows", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func genresAreTheCatalogsMinedMicroGenres() async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/genres?min_titles=2&limit=3", method: .get) { response in
                let text = self.body(response)
                #expect(response.status == .ok && text.hasPrefix(#"{"count":"#), "\(text)")
                #expect(text.contains(#""name":"Comedies","facets":["comedies"],"titles":3"#), "\(text)")
            }
            // Below the server's own minimum (the one rows use) is refused: it would mine again.
            try await client.execute(uri: "/v1/genres?min_titles=1", method: .get) { response in
                #expect(response.status == .badRequest && self.body(response).contains("from 2"))
            }
            try await client.execute(uri: "/v1/genres?min_titles=3", method: .get) { response in
                #expect(self.body(response).contains(#""titles":3"#) && !self.body(response).contains(#""titles":2"#))
            }
        }
    }

    @Test func metricsCountRequestsByRouteAndStatusInPrometheusText() async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/titles/heist", method: .get) { _ in }
            try await client.execute(uri: "/v1/titles/office", method: .get) { _ in }
            try await client.execute(uri: "/v1/titles/none", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = self.body(response)
                #expect(response.status == .ok)
                #expect(
                    text.contains(
                        #"microgenre_http_requests_total{route="/v1/titles/{id}",method="GET",status="200"} 2"#),
                    "\(text)")
                #expect(
                    text.contains(
                        #"microgenre_http_requests_total{route="/v1/titles/{id}",method="GET",status="404"} 1"#))
                #expect(text.contains("microgenre_http_request_duration_seconds_bucket{route=\"/v1/titles/{id}\""))
                #expect(text.contains("microgenre_index_titles 6") && text.contains("microgenre_index_generation 1"))
            }
        }
    }

    @Test func anOverlongQueryIsRefused() async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        let long = String(repeating: "comedy%20", count: 400)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/search?q=" + long, method: .get) { response in
                #expect(response.status == .badRequest && self.body(response).contains("longer than 2000 characters"))
            }
        }
    }

    /// The limit counts Unicode scalars, as the document's maxLength does: 2,001 emoji modifiers
    /// or combining accents after one letter are one Character but 2,002 scalars, and refused.
    @Test(arguments: ["%F0%9F%8F%BB", "%CC%81"])
    func anOverlongQueryIsRefusedHoweverItsScalarsCombine(scalar: String) async throws {
        let app = Application(router: Routes.router(try Self.engine()))
        try await app.test(.router) { client in
            let long = "a" + String(repeating: scalar, count: 2_001)
            for uri in ["/v1/query?q=" + long, "/v1/search?q=" + long] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(self.body(response).contains("longer than 2000"))
                }
            }
            let limit = "a" + String(repeating: scalar, count: 1_999)
            try await client.execute(uri: "/v1/query?q=" + limit, method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}

/// The pages: HTML with every catalog string escaped, a title page with its tags, static files
/// from the binary only.
@Suite struct PageTests {
    func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func aTitleNamedLikeMarkupRendersAsText() async throws {
        let app = Application(router: Routes.router(try RoutesTests.engine()))
        try await app.test(.router) { client in
            for uri in ["/?q=script", "/titles/xss", "/?q=comedy&user=%3Cb%3Eeve%3C%2Fb%3E"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let html = self.body(response)
                    #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(!html.contains("<script>alert") && !html.contains("<b>eve"))
                    #expect(response.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
                }
            }
            try await client.execute(uri: "/?q=script", method: .get) { response in
                #expect(self.body(response).contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(self.body(response).contains(#"href="/titles/xss""#))
            }
        }
    }

    @Test func theTitlePageShowsEveryTagWithABarAndEvidence() async throws {
        let engine = try RoutesTests.engine()
        let app = Application(router: Routes.router(engine))
        let (_, tags) = try #require(try engine.title(TitleID("office")))
        try await app.test(.router) { client in
            try await client.execute(uri: "/titles/office", method: .get) { response in
                let html = self.body(response)
                #expect(response.status == .ok)
                #expect(html.components(separatedBy: #"class="bar" role="meter""#).count - 1 == tags.count)
                for tag in tags { #expect(html.contains("<th scope=\"row\">\(tag.tag.rawValue)</th>")) }
            }
            try await client.execute(uri: "/titles/nope", method: .get) { response in
                #expect(response.status == .notFound && self.body(response).contains("No such title"))
            }
            try await client.execute(uri: "/?q=%22unclosed", method: .get) { response in
                #expect(response.status == .badRequest && self.body(response).contains("column 1"))
            }
        }
    }

    @Test func staticFilesComeFromTheBinaryOnly() async throws {
        let app = Application(router: Routes.router(try RoutesTests.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/static/app.css", method: .get) { response in
                #expect(response.status == .ok && self.body(response).contains(".w100 { width: 100%; }"))
            }
            try await client.execute(uri: "/static/app.js", method: .get) { response in
                #expect(response.status == .ok && self.body(response).contains("ArrowRight"))
            }
            for uri in ["/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/app.css/..", "/static/"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    /// Without events the home page says how to get rows, and search still works.
    @Test func withoutEventsTheHomePageExplainsAndSearchWorks() async throws {
        let app = Application(router: Routes.router(try RoutesTests.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok && self.body(response).contains("--events DB"))
            }
            try await client.execute(uri: "/?q=heist", method: .get) { response in
                #expect(self.body(response).contains("The Job") && self.body(response).contains("Understood as"))
            }
        }
    }
}
