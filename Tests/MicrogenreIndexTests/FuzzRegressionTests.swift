import MicrogenreCore
import MicrogenreIndex
import MicrogenreTestSupport
import Testing

/// Index directories the fuzzer (scripts/fuzz.sh index) found, kept in
/// Tests/FuzzRegressions/index in its input format: the segment's bytes, then optionally
/// `|MGFZ|` and a deletion file's bytes, then optionally `|MGFZ|` and CURRENT's text. Their
/// checksums are correct (as a hostile file's can be), so the structure behind them is what
/// reading must refuse with an `IndexError`, never a crash or an out-of-bounds read.
@Suite struct IndexFuzzRegressionTests {
    static let directory: String = {
        var directory = #filePath
        for _ in 0..<2 { directory = String(directory[..<directory.lastIndex(of: "/")!]) }
        return directory + "/FuzzRegressions/index"
    }()

    @Test(arguments: try! FileSystem.list(directory))
    func damagedIndexIsRefused(name: String) throws {
        let input = try FileSystem.read("\(Self.directory)/\(name)")
        let parts = Self.split(input)
        let index = Scratch.directory("fuzz-index")
        try FileSystem.write(parts[0], to: "\(index)/segment-1.mgix")
        var current = "segment-1.mgix\n"
        if parts.count > 1 {
            try FileSystem.write(parts[1], to: "\(index)/deletes-1-1.mgdl")
            current = "segment-1.mgix deletes-1-1.mgdl\n"
        }
        if parts.count > 2 { current = String(decoding: parts[2], as: UTF8.self) }
        try FileSystem.write(Array(current.utf8), to: "\(index)/CURRENT")
        // Refused when opened, or (the records section, read only to merge) when read back.
        #expect(throws: IndexError.self) { _ = try IndexDirectory(path: index).open().liveRecords() }
    }

    /// The input's parts, split at the first two separators.
    static func split(_ input: [UInt8]) -> [[UInt8]] {
        let separator = Array("|MGFZ|".utf8)
        var parts: [[UInt8]] = []
        var start = 0
        var k = 0
        while parts.count < 2, k + separator.count <= input.count {
            if input[k..<(k + separator.count)].elementsEqual(separator) {
                parts.append(Array(input[start..<k]))
                k += separator.count
                start = k
            } else {
                k += 1
            }
        }
        parts.append(Array(input[start...]))
        return parts
    }
}
