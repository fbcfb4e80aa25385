internal import Foundation

/// Where a PostgreSQL store is and who connects to it, from a URL of the form
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE&host=/SOCKET/DIR]`.
///
/// What the URL leaves out comes from the environment, as `psql` takes it: `PGUSER`,
/// `PGHOST`, `PGPORT`, `PGDATABASE`, then the defaults (the login user, localhost, 5432, the
/// user's name). The password is the URL's, else `PGPASSWORD`, else the first matching line of
/// the password file (`PGPASSFILE`, or `~/.pgpass`; ignored, as libpq ignores it, when others
/// may read it). ``redacted`` is the URL without a password: the only form that is printed.
public struct PostgresURL: Sendable, Hashable {
    /// The role to connect as.
    public var user: String
    /// The password, when one was found.
    var password: String?
    /// The host name, or a directory holding the server's Unix socket (starts with `/`).
    public var host: String
    /// The TCP port (also names the Unix socket).
    public var port: Int
    /// The database.
    public var database: String
    /// `disable`, `prefer` (the default: TLS when the server offers it), `require` or
    /// `verify-full` (TLS with the certificate checked against the host name).
    public var sslMode: String

    /// Whether `text` is a PostgreSQL URL rather than a file path.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; throws, without repeating the password, when it is not a usable URL.
    public init(_ text: String, environment: [String: String]? = nil) throws {
        let environment = environment ?? ProcessInfo.processInfo.environment
        func fail(_ message: String) -> EventStoreError {
            EventStoreError(store: Self.redact(text), message: message)
        }
        guard let scheme = text.range(of: "://"), Self.isPostgres(text) else {
            throw fail("not a postgres:// URL")
        }
        var rest = Substring(text[scheme.upperBound...])
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard let key = Self.decode(parts[0]) else { throw fail("a query parameter is not valid") }
                query[key] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            }
            rest = rest[..<mark]
        }
        var database: String?
        if let slash = rest.firstIndex(of: "/") {
            let name = rest[rest.index(after: slash)...]
            if !name.isEmpty {
                guard let decoded = Self.decode(name) else { throw fail("the database name is not valid") }
                database = decoded
            }
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            if let colon = credentials.firstIndex(of: ":") {
                user = Self.decode(credentials[..<colon])
                password = Self.decode(credentials[credentials.index(after: colon)...])
                if password == nil { throw fail("the password is not valid percent-encoding") }
            } else {
                user = Self.decode(credentials)
            }
            if user == nil { throw fail("the user name is not valid percent-encoding") }
            rest = rest[rest.index(after: at)...]
        }
        var host: String?
        var port: Int?
        if !rest.isEmpty {
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { throw fail("an IPv6 host needs a closing ]") }
                host = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
                if rest.hasPrefix(":") { rest = rest.dropFirst() } else if !rest.isEmpty { throw fail("bad host") }
                if !rest.isEmpty {
                    guard let number = Int(rest) else { throw fail("the port '\(rest)' is not a number") }
                    port = number
                }
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon].isEmpty ? nil : Self.decode(rest[..<colon])
                guard let number = Int(rest[rest.index(after: colon)...]) else {
                    throw fail("the port '\(rest[rest.index(after: colon)...])' is not a number")
                }
                port = number
            } else {
                host = Self.decode(rest)
            }
        }
        if let socket = query["host"], !socket.isEmpty { host = socket }
        if let number = query["port"] {
            guard let value = Int(number) else { throw fail("the port '\(number)' is not a number") }
            port = value
        }
        let resolvedPort = port ?? environment["PGPORT"].flatMap { Int($0) } ?? 5432
        guard (1...65_535).contains(resolvedPort) else { throw fail("the port \(resolvedPort) is out of range") }
        self.port = resolvedPort
        self.host = host ?? environment["PGHOST"] ?? "localhost"
        self.user = user ?? query["user"] ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        self.database = database ?? query["dbname"] ?? environment["PGDATABASE"] ?? self.user
        sslMode = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw fail("sslmode '\(sslMode)' is not one of disable, prefer, require, verify-full")
        }
        if query["password"] != nil {
            throw fail("put the password in ~/.pgpass or PGPASSWORD, not in the URL's query")
        }
        self.password =
            password ?? environment["PGPASSWORD"]
            ?? Self.passwordFile(environment: environment)
            .flatMap { Self.lookUp(in: $0, host: self.host, port: self.port, database: self.database, user: self.user) }
    }

    /// The URL without a password: `postgres://USER@HOST:PORT/DATABASE`.
    public var redacted: String {
        let shownHost = host.hasPrefix("/") ? "?host=" + host : ""
        let hostPart = host.hasPrefix("/") ? "" : (host.contains(":") ? "[\(host)]" : host)
        return "postgres://\(user)@\(hostPart):\(port)/\(database)\(shownHost)"
    }

    /// `text` with anything between `://` and `@` after a colon replaced by `***`.
    static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let at = rest[..<end].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }

    /// The contents of the password file, unless missing or readable by others.
    private static func passwordFile(environment: [String: String]) -> String? {
        guard let path = environment["PGPASSFILE"] ?? environment["HOME"].map({ $0 + "/.pgpass" }) else { return nil }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o077 == 0 else { return nil }
        return try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// The password of the first line of a `.pgpass` file matching the connection: lines are
    /// `host:port:database:user:password`, `*` matches anything, `\` escapes `:` and `\`, and a
    /// Unix socket matches the host `localhost`.
    static func lookUp(in file: String, host: String, port: Int, database: String, user: String) -> String? {
        let wanted = [host.hasPrefix("/") ? "localhost" : host, String(port), database, user]
        for line in file.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [""]
            var escaped = false
            for character in line {
                if escaped {
                    fields[fields.count - 1].append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 5 {
                    fields.append("")
                } else {
                    fields[fields.count - 1].append(character)
                }
            }
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
