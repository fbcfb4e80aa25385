import MicrogenreCore
import Testing

@Suite struct ByteStringTableTests {
    func id(_ table: ByteStringTable, _ bytes: [UInt8]) -> Int32? { table.id(of: bytes) }

    @Test func keysOfEveryLengthAndSharedPrefixes() {
        var table = ByteStringTable(capacity: 4)
        var keys: [[UInt8]] = [[], [0], [0, 0], Array("ab".utf8), Array("ab".utf8) + [0]]
        for n in 1...20 { keys.append(Array("abcdefghijklmnopqrstuvwxyz".utf8.prefix(n))) }
        keys += ["abcdefgh1", "abcdefgh2", "abcdefgh", "abcdefgh12", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz"].map {
            Array($0.utf8)
        }
        for k in 0..<5000 { keys.append(Array("word\(k)-\(k * 7919 % 1000)".utf8)) }
        // Long keys sharing their first bytes, around the 255 bytes a slot records as a length.
        for n in 250...300 { keys.append(Array(String(repeating: "x", count: n).utf8)) }
        var ids: [Int32] = []
        for key in keys {
            let result = key.withUnsafeBufferPointer { table.insert($0) }
            #expect(result.inserted || ids.contains(result.id))
            ids.append(result.id)
        }
        // Every key is found with its id after the table grew many times, and reads back.
        for (key, expected) in zip(keys, ids) {
            #expect(id(table, key) == expected)
            #expect(table.withBytes(of: expected) { Array($0) } == key)
        }
        #expect(table.count == Set(keys).count)
        // Near misses are absent.
        for key in ["abcdefgh3", "ab\u{1}", "abcdefghijklmnopqrstuvwxyz!", "word5000-0", "a\0"] {
            #expect(id(table, Array(key.utf8)) == nil, "\(key)")
        }
        #expect(id(table, [0, 0, 0]) == nil)
        table.removeAll()
        #expect(table.count == 0 && id(table, Array("ab".utf8)) == nil)
        #expect(table.insert("ab").id == 0)
    }
}
