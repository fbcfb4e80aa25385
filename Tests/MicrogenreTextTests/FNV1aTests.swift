import MicrogenreCore
import Testing

@Suite struct FNV1aTests {
    @Test func knownValues() {
        // Published FNV-1a 64-bit test vectors.
        #expect(FNV1a.hash([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test func addingInPiecesIsHashingTheWhole() {
        var hasher = FNV1a()
        hasher.add("foo".utf8)
        hasher.add(UInt8(ascii: "b"))
        hasher.add("ar".utf8)
        #expect(hasher.value == FNV1a.hash("foobar".utf8))
    }
}
