import Hummingbird
import HummingbirdTesting
import MicrogenreServer
import Testing

/// The OpenAPI document lists exactly the routes the router serves, the repository's copy is
/// the served one, and the server serves it.
@Suite struct OpenAPITests {
    static let repository: String = {
        var directory = #filePath
        for _ in 0..<3 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
        return directory
    }()

    /// The (method, path) pairs of the document's `paths`, read from its indentation.
    static func documented(_ yaml: String) -> Set<String> {
        var result: Set<String> = []
        var path: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
            } else if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = false
            } else if inPaths, line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if inPaths, let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingPrefix("    ").dropLast()
                if ["get", "post", "put", "delete", "patch"].contains(method) {
                    result.insert("\(method.uppercased()) \(path)")
                }
            }
        }
        return result
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteServed() throws {
        let engine = try RoutesTests.engine()
        let served = Set(
            Routes.build(engine).endpoints.map { endpoint in
                let path = endpoint.path.split(separator: "/", omittingEmptySubsequences: false).map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }.joined(separator: "/")
                return "\(endpoint.method) \(path)"
            })
        let documented = Self.documented(OpenAPIDocument.yaml)
        #expect(served.count == 10)
        #expect(served.subtracting(documented).isEmpty, "served, not documented: \(served.subtracting(documented))")
        #expect(documented.subtracting(served).isEmpty, "documented, not served: \(documented.subtracting(served))")
    }

    @Test func theRepositoryCopyIsTheServedOneAndItIsServed() async throws {
        let file = try String(contentsOfFile: Self.repository + "/docs/openapi.yaml", encoding: .utf8)
        #expect(file == OpenAPIDocument.yaml, "docs/openapi.yaml and OpenAPIDocument.swift differ")
        let app = Application(router: Routes.router(try RoutesTests.engine()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).hasPrefix("openapi: 3.1.0\n"))
            }
        }
    }
}
