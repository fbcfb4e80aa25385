import Foundation

/// The PostgreSQL server the backend tests run against.
///
/// `MICROGENRE_TEST_POSTGRES_URL` names one (the test command starts a throwaway cluster and
/// sets it, with `PGPASSFILE` for its password). Without it, the first test that asks starts
/// one itself with `scripts/postgres.sh` (stopped when the test process exits). When neither
/// works, ``url()`` throws a message that says why: these tests fail, they never skip.
public enum TestPostgres {
    /// Why the server is not there.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server's URL (no password; that is in `PGPASSFILE`).
    public static func url() throws -> String {
        try server.get()
    }

    /// A fresh database name for one test (lower-case letters, digits and underscores).
    public static func databaseName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }

    /// `url` with its database replaced by `database`.
    public static func url(_ url: String, database: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards), url[..<slash.lowerBound].contains("@") else {
            return url + "/" + database
        }
        return String(url[..<slash.upperBound]) + database
    }

    private static let server: Result<String, Unavailable> = {
        if let url = ProcessInfo.processInfo.environment["MICROGENRE_TEST_POSTGRES_URL"], !url.isEmpty {
            return .success(url)
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = repository.appendingPathComponent("scripts/postgres.sh").path
        var template = Array("/tmp/microgenre-test-pg-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        // Output to files, not pipes: the server the script starts inherits them and never
        // closes them. (posix_spawn and waitpid: Foundation's Process did not see the script
        // end when started from a test's static initializer.)
        let outputPath = directory + "/start.out"
        let errorsPath = directory + "/start.err"
        let status = run(["/bin/bash", script, "start", directory + "/pg"], output: outputPath, errors: errorsPath)
        let url = ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let said = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        guard status == 0, !url.isEmpty else {
            return .failure(
                Unavailable(
                    description: """
                        PostgreSQL tests need a server: MICROGENRE_TEST_POSTGRES_URL is not set and \
                        scripts/postgres.sh could not start one (exit \(status)):
                        \(said)
                        """))
        }
        setenv("PGPASSFILE", directory + "/pg/pgpass", 1)
        stopDirectory = directory
        atexit {
            guard let directory = stopDirectory else { return }
            _ = run(
                [
                    "/bin/bash",
                    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                        .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path,
                    "stop", directory + "/pg",
                ], output: "/dev/null", errors: "/dev/null")
            try? FileManager.default.removeItem(atPath: directory)
        }
        return .success(url)
    }()
}

nonisolated(unsafe) private var stopDirectory: String?

/// Runs `arguments` with standard output and error written to files; its exit status (-1 when
/// it could not start).
private func run(_ arguments: [String], output: String, errors: String) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
}
