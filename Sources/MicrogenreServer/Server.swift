import Hummingbird
import Logging

/// Runs the API until SIGINT or SIGTERM: then it stops accepting connections, finishes the
/// requests in flight and returns (Hummingbird's service on swift-service-lifecycle). Logs go
/// to standard error through swift-log. Meanwhile it looks for a new index snapshot every
/// `reloadInterval` seconds and answers from it as soon as it is published. With `writeToken`,
/// `POST /v1/events` needs `Authorization: Bearer` and the token.
public func serve(
    _ engine: Engine, host: String, port: Int, writeToken: String? = nil, reloadInterval: Double = 0.5,
    timeLimit: Double = Routes.timeLimit
) async throws {
    var logger = Logger(label: "microgenre.server")
    logger.logLevel = .info
    let serverLogger = logger
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            let application = Application(
                router: Routes.router(engine, writeToken: writeToken, timeLimit: timeLimit),
                configuration: .init(address: .hostname(host, port: port), serverName: "microgenre"),
                logger: serverLogger)
            try await application.runService()
        }
        group.addTask {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(reloadInterval * 1000)))
                do {
                    if try engine.reloadIfChanged() {
                        serverLogger.info(
                            "index snapshot \(engine.generation): \(engine.index.liveCount) titles in \(engine.index.segments.count) segments"
                        )
                    }
                } catch {
                    serverLogger.error("cannot open the new index snapshot, still answering from the last: \(error)")
                }
            }
        }
        // The server returns on SIGINT or SIGTERM; then the watcher stops too.
        try await group.next()
        group.cancelAll()
    }
}
