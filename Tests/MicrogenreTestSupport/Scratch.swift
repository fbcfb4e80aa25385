import Foundation

/// Temporary files for tests. Every directory a test asks for lives under one root per test
/// process, removed when the process exits, so runs leave nothing behind in `/tmp`.
public enum Scratch {
    /// A new empty directory whose name starts with `prefix`.
    public static func directory(_ prefix: String = "test") -> String {
        let path = "\(root)/\(prefix)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A path for a new file (not created) whose name starts with `prefix` and ends with `suffix`.
    public static func file(_ prefix: String, suffix: String = "") -> String {
        "\(root)/\(prefix)-\(UUID().uuidString)\(suffix)"
    }
}

/// The process's scratch root, made on first use; its removal is registered with `atexit`.
private let root: String = {
    var template = Array("/tmp/microgenre-tests-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    atexit { try? FileManager.default.removeItem(atPath: root) }
    return path
}()
