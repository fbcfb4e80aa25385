import Hummingbird
import HummingbirdTesting
import MicrogenreCore
import MicrogenreIndex
import MicrogenreTagging
import Testing

@testable import MicrogenreServer

/// The server's caches: bounded, least recently used first out, and never answering from a
/// snapshot or a user's state that has changed.
@Suite struct CacheTests {
    @Test func theLeastRecentlyUsedEntryGoesFirst() {
        let cache = LRUCache<String, Int>(capacity: 3)
        for (k, key) in ["a", "b", "c"].enumerated() { cache.insert(k, for: key) }
        #expect(cache.value("a") == 0)  // a is now the most recent; b the least
        cache.insert(3, for: "d")
        #expect(cache.value("b") == nil)
        #expect(cache.value("a") == 0 && cache.value("c") == 2 && cache.value("d") == 3)
        cache.insert(4, for: "c")  // replacing keeps the count
        #expect(cache.statistics.count == 3 && cache.value("c") == 4)
        cache.remove("c")
        #expect(cache.value("c") == nil && cache.statistics.count == 2)
        cache.removeAll()
        #expect(cache.statistics.count == 0 && cache.value("a") == nil)
    }

    @Test func theCostBoundEvictsAndAnOversizedValueIsNotKept() {
        let cache = LRUCache<Int, [UInt8]>(capacity: 100, maximumCost: 10)
        for k in 0..<5 { cache.insert([UInt8](repeating: 0, count: 3), for: k, cost: 3) }
        let statistics = cache.statistics
        #expect(statistics.count == 3 && statistics.cost == 9 && statistics.evictions == 2)
        #expect(cache.value(0) == nil && cache.value(4) != nil)
        cache.insert([UInt8](repeating: 0, count: 11), for: 9, cost: 11)
        #expect(cache.value(9) == nil && cache.statistics.count == 3)
    }

    /// A read over its time limit gets a 503 (and its work is cancelled); one within it gets
    /// its value or its own error.
    @Test func aSlowReadIsAnsweredAtItsTimeLimit() async throws {
        let error = await #expect(throws: APIError.self) {
            try await Routes.limited(0.2) {
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        #expect(error?.status == .serviceUnavailable && error?.message.contains("0.2 s") == true)
        #expect(try await Routes.limited(5) { 7 } == 7)
        await #expect(throws: CancellationError.self) {
            try await Routes.limited(5) { () async throws -> Int in throw CancellationError() }
        }
    }

    /// Posted events make the poster's answers current at once; another user's cached page
    /// still answers from the cache; a new snapshot clears every cached search.
    @Test func postedEventsInvalidateOnlyThePostersAnswers() async throws {
        let (engine, directory) = try RoutesTests.engineAndDirectory()
        let app = Application(router: Routes.router(engine))
        let first =
            "user,title,timestamp,event,value\nana,heist,1767225600,complete,\nbob,office,1767225600,complete,\n"
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/events", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: first)
            ) { response in #expect(response.status == .ok) }
            var pages: [String: String] = [:]
            for user in ["ana", "bob"] {
                try await client.execute(uri: "/v1/users/\(user)/rows?rows=5&per_row=6", method: .get) { response in
                    pages[user] = String(buffer: response.body)
                }
            }
            let anaBefore = engine.userState("ana")
            let bobBefore = engine.userState("bob")
            let more = "user,title,timestamp,event,value\nana,romance,1767229200,complete,\n"
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: more)) { response in
                #expect(response.status == .ok)
            }
            #expect(engine.userState("ana") != anaBefore && engine.userState("bob") == bobBefore)
            #expect(engine.eventCount == 3)
            let hits = engine.responses.statistics.hits
            try await client.execute(uri: "/v1/users/bob/rows?rows=5&per_row=6", method: .get) { response in
                #expect(String(buffer: response.body) == pages["bob"])
            }
            #expect(engine.responses.statistics.hits == hits + 1)
            try await client.execute(uri: "/v1/users/ana/rows?rows=5&per_row=6", method: .get) { response in
                #expect(String(buffer: response.body) != pages["ana"])
            }
            #expect(engine.responses.statistics.hits == hits + 1)
            // The page is what the engine builds from the current history, cached or not.
            #expect(engine.page(user: "ana", rows: 5, perRow: 6).map { String(decoding: $0, as: UTF8.self) } != nil)

            try await client.execute(uri: "/v1/search?q=vault", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""results":[]"#))
            }
            let record = TitleRecord(
                id: TitleID("late"), kind: .movie, title: "Late Arrival", year: 2020,
                synopses: [Synopsis(length: .short, language: "en", text: "A 2020 heist thriller film about a vault.")])
            let tagger = try Tagger(taxonomy: RoutesTests.taxonomy)
            _ = try directory.apply(IndexUpdate(records: [record])) { record, vector in
                tagger.tag(record, vector: vector).map { (tag: $0.tag, score: $0.score) }
            }
            #expect(try engine.reloadIfChanged())
            try await client.execute(uri: "/v1/search?q=vault", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""id":"late""#))
            }
        }
    }
}
