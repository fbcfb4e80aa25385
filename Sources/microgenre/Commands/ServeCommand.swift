import ArgumentParser
import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreIndex
import MicrogenreServer
import MicrogenreTagging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: a JSON API under /v1.",
        discussion: """
            Routes: GET /healthz, /readyz, /v1/query?q=, /v1/search?q=&limit=&offset=&mode=&explain=, \
            /v1/titles/{id}, /v1/users/{user}/rows?rows=&per_row= (with an events database); POST \
            /v1/events (CSV or JSON Lines, gzip allowed, at most 64 MB). The answers are what `query --json`, `search --json` and `tag --json` \
            print for the same input; errors are JSON ({"error": {"message", "column"}}) with \
            status 400 (a malformed query or parameter) or 404 (no such title or route). Binds to \
            127.0.0.1 unless --host says otherwise; SIGINT and SIGTERM stop it after the requests \
            in flight.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "A file holding the token writes need (Authorization: Bearer TOKEN).",
            discussion: "Required when --host is not a loopback address; reads stay open."))
    var tokenFile: String?

    @Option(help: "Seconds a read may take before its client gets a 503.")
    var requestTimeout = Routes.timeLimit

    @Option(
        help: ArgumentHelp(
            "Seconds between rebuilds of the co-viewing model while events arrive through the API.",
            discussion: "The posting users' own histories are current at once."))
    var rebuildInterval = 30.0

    @Option(
        help: ArgumentHelp(
            "Megabytes of answers kept for repeated requests (0 caches nothing, not even query vectors).",
            discussion:
                "A cached answer is dropped when a new snapshot is published or, for a user's, when their events change."
        ))
    var cacheMB = 64

    @Option(help: "Fewest titles a micro-genre needs, for rows and /v1/genres (as rows --min-titles).")
    var minTitles = 20

    @OptionGroup var location: IndexLocation

    @OptionGroup var tagging: TaggingOptions

    @OptionGroup var embeddingOptions: EmbeddingOptions

    @OptionGroup var events: EventsLocation

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        guard requestTimeout > 0, requestTimeout <= 3_600 else {
            throw ValidationError("--request-timeout must be over 0 and at most 3600 seconds")
        }
        guard minTitles >= 1 else { throw ValidationError("--min-titles must be 1 or more") }
        guard (0...65_536).contains(cacheMB) else { throw ValidationError("--cache-mb must be 0 to 65536") }
        guard rebuildInterval >= 0 else { throw ValidationError("--rebuild-interval must be 0 or more") }
    }

    /// Whether `host` is a loopback address, where writes need no token.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    func run() async throws {
        var token: String?
        if let tokenFile {
            do {
                token = try FileSystem.readText(tokenFile).trimmingSpaces
            } catch {
                Output.error("error: cannot read --token-file \(tokenFile): \(error)")
                throw ExitCode(1)
            }
            guard let value = token, value.count >= 16 else {
                Output.error("error: \(tokenFile): the token must be at least 16 characters")
                throw ExitCode(1)
            }
        } else if !Self.isLoopback(host) {
            Output.error(
                "error: --host \(host) is beyond loopback: give --token-file with the token writes (POST /v1/events) need"
            )
            throw ExitCode(1)
        }
        let tagger = try tagging.makeTagger()
        let embedder = try embeddingOptions.load()
        let engine: Engine
        do {
            engine = try Engine(
                directory: location.directory, taxonomy: tagger.taxonomy, model: tagger.model, embedder: embedder,
                eventsPath: events.resolved, taxonomyDirectory: try tagging.taxonomyOptions.resolvedDirectory(),
                rebuildInterval: rebuildInterval, cacheBytes: cacheMB << 20,
                minimumGenreTitles: minTitles)
        } catch {
            Output.failure(error)
            throw ExitCode(1)
        }
        Output.error(
            "serving \(location.directory.path) (\(engine.index.liveCount.grouped) titles, \(engine.defaultMode(engine.index)) search) on http://\(host):\(port)"
        )
        try await serve(engine, host: host, port: port, writeToken: token, timeLimit: requestTimeout)
    }
}
