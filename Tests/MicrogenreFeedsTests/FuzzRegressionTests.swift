import MicrogenreCore
import MicrogenreFeeds
import Testing

/// Inputs the fuzzer (scripts/fuzz.sh feeds) found, kept in Tests/FuzzRegressions/feeds: each
/// must end in a thrown `FeedError`, never a crash or a leak.
@Suite struct FeedFuzzRegressionTests {
    /// A truncated gzip stream read from memory (libxml2 decompresses files only): the parser
    /// stops before any root element. Asking libxml2 for the partial document to salvage
    /// records from made it the reader's to free, and a document without a root was leaked.
    @Test func truncatedGzipFromMemoryThrowsWithoutLeaking() throws {
        let bytes = try FileSystem.read(repositoryPath("Tests/FuzzRegressions/feeds/truncated-gzip-in-memory-leak"))
        let reader = try FeedReader(bytes: bytes, name: "truncated.xml.gz")
        #expect(throws: FeedError.self) {
            while try reader.next() != nil {}
        }
    }
}
