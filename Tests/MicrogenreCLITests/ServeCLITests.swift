import Foundation
import MicrogenreTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `microgenre serve` as a process: its routes answer what the commands print for the same
/// input, and SIGTERM stops it cleanly.
@Suite struct ServeCLITests {
    let cli = CLITests()
    let feed = "Corpus/samples/mediaxml_epg.xml"

    /// Characters a path segment keeps unencoded ("/" in an id is %2F).
    static let segment: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove("/")
        return set
    }()

    /// A port nothing listens on now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `microgenre serve` with `arguments` on a free port (the installed sentence model
    /// hidden) and waits until it answers `/readyz`; standard error goes to `errors`.
    static func start(_ arguments: [String], errors: Pipe? = nil) throws -> (server: Process, port: Int) {
        let port = freePort()
        let server = Process()
        server.executableURL = CLITests.executable
        server.arguments = ["serve", "--port", String(port)] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MICROGENRE_MODEL"] = "/nonexistent/microgenre-test-model"
        server.environment = environment
        server.currentDirectoryURL = CLITests.repository
        server.standardOutput = FileHandle.nullDevice
        server.standardError = errors ?? FileHandle.nullDevice
        try server.run()
        for _ in 0..<200 {
            if let (status, _) = get(port, "/readyz"), status == 200 { return (server, port) }
            usleep(100_000)
        }
        server.terminate()
        throw ServeError.notReady
    }

    enum ServeError: Error { case notReady }

    /// A GET over a plain socket: the status and the body (HTTP/1.1, connection closed after).
    static func get(_ port: Int, _ path: String) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"),
            let status = Int(text.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        var body = String(text[split.upperBound...])
        if text[..<split.lowerBound].lowercased().contains("transfer-encoding: chunked") {
            body = Self.unchunk(body)
        }
        return (status, body)
    }

    static func unchunk(_ body: String) -> String {
        var result = ""
        var rest = Substring(body)
        while let line = rest.range(of: "\r\n"), let size = Int(rest[..<line.lowerBound], radix: 16), size > 0 {
            let start = line.upperBound
            let end = rest.utf8.index(start, offsetBy: size)
            result += rest[start..<end]
            rest = rest[end...].dropFirst(2)
        }
        return result
    }

    /// Beyond loopback, writes need a token: the server will not start without one.
    @Test func aServerBeyondLoopbackNeedsAToken() throws {
        let open = try cli.run(["serve", "--host", "0.0.0.0", "--index", Scratch.file("no-index")])
        #expect(open.status == 1 && open.stderr.contains("is beyond loopback: give --token-file"))
        let short = try cli.temporaryFile("token", "short\n")
        let weak = try cli.run(["serve", "--host", "0.0.0.0", "--token-file", short])
        #expect(weak.status == 1 && weak.stderr.contains("at least 16 characters"))
    }

    @Test func routesAnswerAsTheCommandsPrintAndSIGTERMStopsTheServer() throws {
        let index = Scratch.file("serve-index")
        #expect(
            try cli.run(["index", "--no-model", "--no-embeddings", "--index", index, "--replace", feed]).status == 0)
        let errors = Pipe()
        let (server, port) = try Self.start(["--index", index, "--no-model"], errors: errors)
        defer { if server.isRunning { server.terminate() } }

        let search = try cli.run(["search", "--index", index, "--json", "--limit", "5", "news weather"])
        let served = try #require(Self.get(port, "/v1/search?q=news%20weather&limit=5"))
        #expect(served.status == 200)
        #expect(
            served.body == #"{"query":"news weather","mode":"lexical","results":["#
                + search.lines.joined(separator: ",")
                + "]}")

        let query = try cli.run(["query", "--index", index, "--json", "news -weather year:2000..2020"])
        let parsed = try #require(Self.get(port, "/v1/query?q=news%20-weather%20year:2000..2020"))
        #expect(parsed.status == 200 && parsed.body == query.stdout.trimmingCharacters(in: .newlines))

        let first = try #require(search.lines.first)
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["id"] as? String)
        let tagged = try cli.run(["tag", "--no-model", "--json", "--id", id, feed])
        let title = try #require(
            Self.get(port, "/v1/titles/" + (id.addingPercentEncoding(withAllowedCharacters: Self.segment) ?? id)))
        #expect(title.status == 200)
        #expect(
            title.body.hasPrefix(String(tagged.stdout.trimmingCharacters(in: .newlines).dropLast())), "\(title.body)")

        let missing = try #require(Self.get(port, "/v1/query?q=colour:red"))
        #expect(missing.status == 400 && missing.body.contains(#""column":1"#))

        // A snapshot `index` publishes is served within a second, without a restart.
        #expect(try cli.run(["index", "--no-model", "--no-embeddings", "--index", index, "--delete", id]).status == 0)
        var reloaded = false
        for _ in 0..<30 where !reloaded {
            usleep(100_000)
            if let (_, body) = Self.get(port, "/readyz"), body.contains(#""titles":9"#) { reloaded = true }
        }
        #expect(reloaded, "the server still answers from the old snapshot")
        #expect(
            Self.get(port, "/v1/titles/" + (id.addingPercentEncoding(withAllowedCharacters: Self.segment) ?? id))?
                .status == 404)

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("serving \(index) (10 titles, lexical search) on http://127.0.0.1:\(port)"), "\(log)")
    }
}
