import MicrogenreCore
import MicrogenreTestSupport
import Testing

@testable import MicrogenreFeeds

#if canImport(Glibc)
    import Glibc
#endif

/// The repository's root, found from this file's path.
func repositoryPath(_ relative: String, file: String = #filePath) -> String {
    var directory = String(file[..<file.lastIndex(of: "/")!])  // Tests/MicrogenreFeedsTests
    for _ in 0..<2 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
    return "\(directory)/\(relative)"
}

func fixturePath(_ name: String, file: String = #filePath) -> String {
    "\(file[..<file.lastIndex(of: "/")!])/Fixtures/\(name)"
}

/// A fresh temporary directory for one test.
struct TemporaryDirectory {
    let path: String

    init() {
        path = Scratch.directory("feed")
    }

    /// Writes `bytes` to a file in the directory and returns its path.
    func write(_ name: String, bytes: [UInt8]) -> String {
        let file = "\(path)/\(name)"
        let handle = fopen(file, "wb")!
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        fclose(handle)
        return file
    }

    func write(_ name: String, _ text: String) -> String { write(name, bytes: Array(text.utf8)) }
}

/// Everything reading a feed produced: the records, the warnings, and the error that stopped it.
struct ReadResult {
    var records: [TitleRecord] = []
    var warnings: [Diagnostic] = []
    var error: FeedError?

    subscript(id: String) -> TitleRecord? { records.first { $0.id.rawValue == id } }
}

func read(_ path: String, options: FeedOptions = FeedOptions(), nameCacheSize: Int? = nil) -> ReadResult {
    var result = ReadResult()
    do {
        let reader = try FeedReader(path: path, options: options)
        if let nameCacheSize { reader.useNameCache(size: nameCacheSize) }
        do {
            while let record = try reader.next() { result.records.append(record) }
        } catch let error as FeedError {
            result.error = error
        }
        result.warnings = reader.takeDiagnostics()
    } catch let error as FeedError {
        result.error = error
    } catch {
        Issue.record("unexpected error \(error)")
    }
    return result
}

/// A feed in our format around `body`.
func catalog(_ body: String) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog>\n\(body)\n</catalog>\n"
}
