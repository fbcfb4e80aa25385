/// A position in an input file: 1-based line and column, as editors show them.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as the user named it.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, or nil when only the line is known.
    public var column: Int?

    /// Creates a location.
    @inlinable public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL` or `FILE:LINE`, the form compilers print.
    public var description: String {
        if let column { return "\(file):\(line):\(column)" }
        return "\(file):\(line)"
    }
}

/// A problem found in input that did not stop the work: a skipped record, a truncated field.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious the problem is.
    public enum Severity: String, Sendable, Hashable {
        case warning, error
    }

    /// Warning or error.
    public var severity: Severity
    /// Where the problem is.
    public var location: SourceLocation
    /// What is wrong, in one sentence.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: warning: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
