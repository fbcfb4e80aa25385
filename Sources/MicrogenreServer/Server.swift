import Hummingbird
import Logging

/// Runs the API until SIGINT or SIGTERM: then it stops accepting connections, finishes the
/// requests in flight and returns (Hummingbird's service on swift-service-lifecycle). Logs go
/// to standard error through swift-log.
public func serve(_ engine: Engine, host: String, port: Int) async throws {
    var logger = Logger(label: "microgenre.server")
    logger.logLevel = .info
    let application = Application(
        router: Routes.router(engine),
        configuration: .init(address: .hostname(host, port: port), serverName: "microgenre"),
        logger: logger)
    try await application.runService()
}
