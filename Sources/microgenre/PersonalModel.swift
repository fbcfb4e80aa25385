import ArgumentParser
import MicrogenreCore
import MicrogenreEvents
import MicrogenreIndex
import MicrogenrePersonalization

#if canImport(Glibc)
    import Glibc
#endif

/// Everything personalization needs, loaded once per command: the index snapshot, its titles'
/// features, every user's history and the recommender built from them.
struct PersonalModel {
    let index: IndexReader
    let catalog: CatalogFeatures
    let histories: Histories
    let recommender: Recommender
    let policy: SignalPolicy

    /// Loads the model. For one `user`, the co-viewing model comes from a cache beside the
    /// events database when the events, the index and the settings it depends on are
    /// unchanged, and only that user's events are read; otherwise every event is read and the
    /// cache is written for next time.
    static func load(
        index: IndexReader, at indexDirectory: IndexDirectory, store: EventStore, options: BlendOptions,
        user: String? = nil
    ) throws -> PersonalModel {
        let catalog = CatalogFeatures(index: index)
        let policy = options.policy
        let blend = options.blend
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
    static func writeCache(_ bytes: [UInt8], to path: String) {
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
    func name(_ doc: Int) -> String {
        let stored = StoredTitle(json: index.storedJSON(doc))
        return stored.title + (stored.year.map { " (\($0))" } ?? "")
    }
}

/// The blend options shared by search and rows.
struct BlendOptions: ParsableArguments {
    @Option(help: "Weight of co-viewing (item-item similarity to what the user watched).")
    var collaborativeWeight = Blend().collaborative

    @Option(help: "Weight of content (the user's facet profile against each title's facets).")
    var contentWeight = Blend().content

    @Option(help: "Weight of popularity.")
    var popularityWeight = Blend().popularity

    @Option(help: "Share of the co-viewing part from the 50 most similar users (the rest: similar titles).")
    var userBasedShare = Blend().userBased

    @Option(help: "Co-viewing similarity: a random walk discounting popular titles by likers^beta (negative: cosine).")
    var randomWalkBeta = Blend().randomWalkBeta ?? -1

    @Option(help: "Days after which a viewing signal counts half (0: no decay).")
    var halfLife = SignalPolicy().halfLifeDays

    var policy: SignalPolicy {
        var policy = SignalPolicy()
        policy.halfLifeDays = halfLife
        return policy
    }

    var blend: Blend {
        var blend = Blend(collaborative: collaborativeWeight, content: contentWeight, popularity: popularityWeight)
        blend.randomWalkBeta = randomWalkBeta < 0 ? nil : randomWalkBeta
        blend.userBased = userBasedShare
        return blend
    }
}

#if canImport(Glibc)
    import Glibc
#endif
