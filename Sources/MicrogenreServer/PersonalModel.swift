import MicrogenreCore
public import MicrogenreEvents
public import MicrogenreIndex
public import MicrogenrePersonalization

#if canImport(Glibc)
    import Glibc
#endif

/// Everything personalization needs, loaded once per command: the index snapshot, its titles'
/// features, every user's history and the recommender built from them.
public struct PersonalModel: Sendable {
    /// The index snapshot.
    public let index: IndexReader
    /// Its titles' features.
    public let catalog: CatalogFeatures
    /// Every user's history (or one user's, when loaded for one).
    public var histories: Histories
    /// The recommender over them.
    public let recommender: Recommender
    /// How events become signals.
    public let policy: SignalPolicy

    /// Loads the model. For one `user`, the co-viewing model comes from a cache beside the
    /// events database when the events, the index and the settings it depends on are
    /// unchanged, and only that user's events are read; otherwise every event is read and the
    /// cache is written for next time.
    public static func load(
        index: IndexReader, at indexDirectory: IndexDirectory, store: EventStore, policy: SignalPolicy, blend: Blend,
        user: String? = nil
    ) throws -> PersonalModel {
        let catalog = CatalogFeatures(index: index)
        let fingerprint = try store.fingerprint()
        var parts: [[UInt8]] = [
            Array("coviewing-1 \(fingerprint.events) \(fingerprint.lastID) \(fingerprint.newest)".utf8),
            Array("\(policy.positive) \(blend.randomWalkBeta.map { "\($0)" } ?? "cosine")".utf8),
        ]
        parts.append((try? FileSystem.read(indexDirectory.path + "/CURRENT")) ?? [])
        let cache = store.path + ".coviewing-" + String(GenreCache.key(parts), radix: 16) + ".cache"
        if let user, let bytes = try? FileSystem.read(cache),
            let coViewing = CoViewing.decode(bytes, count: catalog.count)
        {
            let histories = Histories(
                events: try store.events(user: user), catalog: catalog, policy: policy, now: fingerprint.newest)
            let recommender = Recommender(catalog: catalog, coViewing: coViewing, blend: blend, policy: policy)
            return PersonalModel(
                index: index, catalog: catalog, histories: histories, recommender: recommender, policy: policy)
        }
        let histories = Histories(events: try store.events(), catalog: catalog, policy: policy)
        let recommender = Recommender(catalog: catalog, histories: histories, policy: policy, blend: blend)
        Self.writeCache(recommender.coViewing.encode(), to: cache)
        return PersonalModel(
            index: index, catalog: catalog, histories: histories, recommender: recommender, policy: policy)
    }

    /// Writes the co-viewing cache (atomically, as ``FileSystem/write(_:to:)`` does) and removes
    /// older ones; a cache that cannot be written is only a lost speed-up.
    public static func writeCache(_ bytes: [UInt8], to path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let prefix = String(name[..<(name.range(of: ".coviewing-")?.upperBound ?? name.endIndex)])
        for file in (try? FileSystem.list(directory)) ?? [] where file.hasPrefix(prefix) && file != name {
            unlink(directory + "/" + file)
        }
        try? FileSystem.write(bytes, to: path)
    }

    /// "Title (year)" of a document.
    public func name(_ doc: Int) -> String {
        let stored = StoredTitle(json: index.storedJSON(doc))
        return stored.title + (stored.year.map { " (\($0))" } ?? "")
    }
}
