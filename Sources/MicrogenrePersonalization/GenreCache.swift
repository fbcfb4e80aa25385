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
    /// The file name for `key`.
    public static func fileName(key: UInt64) -> String {
        "genres-" + String(key, radix: 16) + ".cache"
    }

    /// FNV-1a over `parts`: a key for the cache.
    public static func key(_ parts: [[UInt8]]) -> UInt64 {
        var hasher = FNV1a()
        for part in parts {
            hasher.add(part)
            hasher.add(0)
        }
        return hasher.value
    }

    /// The cache file's bytes for `genres`.
    public static func encode(_ genres: [CatalogGenre]) -> [UInt8] {
        var writer = ByteWriter(magic: "MGGC", version: 1)
        writer.u32(genres.count)
        for genre in genres {
            writer.string(genre.name)
            writer.u32(genre.tags.count)
            for tag in genre.tags { writer.string(tag.rawValue) }
            writer.u32(genre.members.count)
            for doc in genre.members { writer.u32(doc) }
        }
        return writer.bytes
    }

    /// Decodes a cache file for a catalog of `catalog`'s tags and size; nil when the bytes are
    /// damaged or do not fit the catalog (the caller mines afresh).
    public static func decode(_ bytes: [UInt8], catalog: CatalogFeatures) -> [CatalogGenre]? {
        guard var reader = ByteReader(bytes, magic: "MGGC", version: 1), let count = reader.u32() else { return nil }
        let positions = Dictionary(uniqueKeysWithValues: catalog.tags.enumerated().map { ($1, $0) })
        var genres: [CatalogGenre] = []
        genres.reserveCapacity(count)
        for _ in 0..<count {
            guard let name = reader.string(), let tagCount = reader.u32(), tagCount <= 8 else { return nil }
            var tags: [TagID] = []
            var tagPositions: [Int] = []
            for _ in 0..<tagCount {
                guard let tag = reader.string(), let position = positions[tag] else { return nil }
                tags.append(TagID(tag))
                tagPositions.append(position)
            }
            guard let memberCount = reader.u32(), reader.has(4 * memberCount) else { return nil }
            var members: [Int] = []
            members.reserveCapacity(memberCount)
            for _ in 0..<memberCount {
                guard let doc = reader.u32(), doc < catalog.count else { return nil }
                members.append(doc)
            }
            genres.append(CatalogGenre(name: name, tags: tags, tagPositions: tagPositions, members: members))
        }
        return reader.atEnd ? genres : nil
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
        try? FileSystem.write(encode(genres), to: path)  // atomic: a temporary file, then a rename
        return (genres, false)
    }
}
