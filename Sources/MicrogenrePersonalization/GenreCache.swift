import MicrogenreCore
import MicrogenreTaxonomy

/// The catalog's mined micro-genres saved beside the index, so rows do not mine the catalog
/// again at every start. The file is named by a key that changes whenever the index snapshot,
/// the taxonomy or the mining settings do; the index writer removes such files when the index
/// changes.
///
/// Format (little-endian): "MGGC", version UInt32 = 1, genre count UInt32; per genre: the name
/// (UInt32 length + UTF-8), tag count UInt32 and each tag (UInt32 length + UTF-8), member count
/// UInt32 and the member document numbers (UInt32 each).
public enum GenreCache {
    static let magic: [UInt8] = Array("MGGC".utf8)

    /// The file name for `key`.
    public static func fileName(key: UInt64) -> String {
        "genres-" + String(key, radix: 16) + ".cache"
    }

    /// FNV-1a over `parts`: a key for the cache.
    public static func key(_ parts: [[UInt8]]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return hash
    }

    /// The cache file's bytes for `genres`.
    public static func encode(_ genres: [CatalogGenre]) -> [UInt8] {
        var bytes = magic
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 } }
        func string(_ text: String) {
            u32(text.utf8.count)
            bytes += Array(text.utf8)
        }
        u32(1)
        u32(genres.count)
        for genre in genres {
            string(genre.name)
            u32(genre.tags.count)
            for tag in genre.tags { string(tag.rawValue) }
            u32(genre.members.count)
            for doc in genre.members { u32(doc) }
        }
        return bytes
    }

    /// Decodes a cache file for a catalog of `catalog`'s tags and size; nil when the bytes are
    /// damaged or do not fit the catalog (the caller mines afresh).
    public static func decode(_ bytes: [UInt8], catalog: CatalogFeatures) -> [CatalogGenre]? {
        var position = 0
        func u32() -> Int? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for k in 0..<4 { value |= UInt32(bytes[position + k]) << (8 * k) }
            position += 4
            return Int(value)
        }
        func string() -> String? {
            guard let length = u32(), position + length <= bytes.count else { return nil }
            defer { position += length }
            return String(validating: bytes[position..<(position + length)], as: UTF8.self)
        }
        guard bytes.starts(with: magic) else { return nil }
        position = 4
        guard u32() == 1, let count = u32() else { return nil }
        let positions = Dictionary(uniqueKeysWithValues: catalog.tags.enumerated().map { ($1, $0) })
        var genres: [CatalogGenre] = []
        genres.reserveCapacity(count)
        for _ in 0..<count {
            guard let name = string(), let tagCount = u32(), tagCount <= 8 else { return nil }
            var tags: [TagID] = []
            var tagPositions: [Int] = []
            for _ in 0..<tagCount {
                guard let tag = string(), let position = positions[tag] else { return nil }
                tags.append(TagID(tag))
                tagPositions.append(position)
            }
            guard let memberCount = u32(), position + 4 * memberCount <= bytes.count else { return nil }
            var members: [Int] = []
            members.reserveCapacity(memberCount)
            for _ in 0..<memberCount {
                guard let doc = u32(), doc < catalog.count else { return nil }
                members.append(doc)
            }
            genres.append(CatalogGenre(name: name, tags: tags, tagPositions: tagPositions, members: members))
        }
        return position == bytes.count ? genres : nil
    }

    /// The genres from `directory`'s cache for `key`, or mined by `mine` and saved there (a
    /// cache that cannot be written is only a lost speed-up).
    public static func load(
        directory: String, key: UInt64, catalog: CatalogFeatures, mine: () -> [CatalogGenre]
    ) -> (genres: [CatalogGenre], cached: Bool) {
        let path = directory + "/" + fileName(key: key)
        if let bytes = try? FileSystem.read(path), let genres = decode(bytes, catalog: catalog) {
            return (genres, true)
        }
        let genres = mine()
        let temporary = path + ".tmp-\(getpid())"
        if (try? FileSystem.write(encode(genres), to: temporary)) != nil {
            if rename(temporary, path) != 0 { unlink(temporary) }
        }
        return (genres, false)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
