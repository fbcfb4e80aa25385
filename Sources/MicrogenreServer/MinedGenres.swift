import MicrogenreCore
public import MicrogenrePersonalization
public import MicrogenreTaxonomy

/// The catalog's micro-genres for rows: from the cache beside the index when it matches the
/// index snapshot, the taxonomy and the minimum titles, else mined and cached.
public enum MinedGenres {
    /// The micro-genres of `catalog` with at least `minimumTitles` titles.
    public static func load(
        catalog: CatalogFeatures, grammar: GenreGrammar, minimumTitles: Int, indexDirectory: String,
        taxonomyDirectory: String
    ) -> [CatalogGenre] {
        var parts: [[UInt8]] = [
            (try? FileSystem.read(indexDirectory + "/CURRENT")) ?? [], Array("\(minimumTitles)".utf8),
        ]
        for name in ((try? FileSystem.list(taxonomyDirectory)) ?? []).sorted() {
            parts.append(Array(name.utf8))
            parts.append((try? FileSystem.read(taxonomyDirectory + "/" + name)) ?? [])
        }
        return GenreCache.load(directory: indexDirectory, key: GenreCache.key(parts), catalog: catalog) {
            CatalogGenre.mine(catalog, grammar: grammar, minimumTitles: minimumTitles)
        }.genres
    }
}
