import Hummingbird
import HummingbirdTesting
import MicrogenreEvents
import MicrogenreServer
import MicrogenreTestSupport
import Testing

/// The server over either events store: posted events are stored, bad rows reported, and the
/// poster's page is served.
@Suite struct EventBackendTests {
    @Test(arguments: ["sqlite", "postgres"])
    func postedEventsAreStoredAndServed(backend: String) async throws {
        let location: String
        if backend == "sqlite" {
            location = Scratch.file("server-events", suffix: ".sqlite")
        } else {
            let server = try TestPostgres.url()
            let name = TestPostgres.databaseName("server")
            try PostgresEventStore.createDatabase(name, on: PostgresURL(server))
            location = TestPostgres.url(server, database: name)
        }
        let (_, directory) = try RoutesTests.engineAndDirectory()
        let engine = try Engine(
            directory: directory, taxonomy: RoutesTests.taxonomy, model: nil, embedder: nil, eventsPath: location,
            minimumGenreTitles: 2)
        let app = Application(router: Routes.router(engine))
        let csv =
            "user,title,timestamp,event,value\nana,heist,2026-03-01,complete,\nbo,heist,2026-03-01,complete,\n"
            + "bo,office,2026-03-02,complete,\nana,nope,soon,complete,\n"
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""inserted":3,"duplicates":0,"rejected":1"#))
            }
            try await client.execute(uri: "/v1/users/ana/rows?rows=3&per_row=2", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).hasPrefix(#"{"user":"ana","rows":["#))
            }
        }
        let store = try openEventStore(location)
        #expect(try store.counts() == (events: 3, users: 2))
    }
}
