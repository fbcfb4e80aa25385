import Hummingbird
import Prometheus
import Synchronization

/// The server's metrics in the Prometheus text format (swift-prometheus): requests and their
/// latency per route and status, and the open snapshot's titles, segments and generation, and
/// the events stored.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let histograms = Mutex<[String: DurationHistogram]>([:])

    /// Empty metrics.
    public init() {}

    /// Counts one request to `route` answered with `status` after `duration`.
    func record(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "microgenre", subsystem: "http", metricName: "requests", unitName: "total",
                helpText: "HTTP requests by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        let histogram = histograms.withLock { cache in
            if let existing = cache[route] { return existing }
            let made = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: "microgenre", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                    helpText: "Time to answer a request, by route."),
                labels: [("route", route)],
                buckets: [
                    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                    .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                    .seconds(1), .seconds(5),
                ])
            cache[route] = made
            return made
        }
        histogram.record(duration)
    }

    /// The metrics text, with the engine's state read now.
    func text(_ engine: Engine) -> [UInt8] {
        let index = engine.index
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "microgenre", metricName: name, unitName: unit, helpText: help))
        }
        gauge("index", "titles", "Titles in the open index snapshot.").set(Double(index.liveCount))
        gauge("index", "segments", "Segments in the open index snapshot.").set(Double(index.segments.count))
        gauge("index", "generation", "Index snapshots opened since start.").set(Double(engine.generation))
        gauge("stored", "events", "Viewing events stored.").set(Double(engine.eventCount))
        return registry.emitToBuffer()
    }
}

/// Records every request in ``ServerMetrics``: its route (the matched pattern, so that ids do
/// not make new series), method, status and duration.
struct MetricsRecorder<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next(request, context)
        metrics.record(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
            status: response.status.code, duration: clock.now - start)
        return response
    }
}
