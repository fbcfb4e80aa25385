/// Why a sentence-embedding model could not be loaded or used; names the file at fault.
public struct EmbeddingError: Error, Sendable, CustomStringConvertible {
    /// The file (or directory) at fault.
    public var path: String
    /// What is wrong with it.
    public var message: String

    /// An error about `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
