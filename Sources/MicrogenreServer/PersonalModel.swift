import MicrogenreCore
public import MicrogenreEvents
public import MicrogenreIndex
public import MicrogenrePersonalization

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

    /// Whose histories a model holds.
    public enum Users: Sendable, Hashable {
        /// Every user's.
        case all
        /// One user's.
        case one(String)
        /// The users of shard `index` (0-based) of `count`, as ``shard(ofUser:count:)`` splits them.
        case shard(index: Int, count: Int)
    }

    /// Loads the model with the histories of `users`.
    ///
    /// The co-viewing model is shared through the store: it is read from there when one was
    /// stored for the same events, index and settings (its key). Otherwise it is computed from
    /// every event and stored, under the store's lock, so that of many workers starting at once
    /// one computes it and the others read it. Only `users`' events are read besides, so a
    /// worker's memory follows its shard. Decay counts from the newest stored event in every
    /// case, so a user's history (and page) is the same however the users were selected.
    public static func load(
        index: IndexReader, at indexDirectory: IndexDirectory, store: any EventStore, policy: SignalPolicy,
        blend: Blend, users: Users = .all
    ) throws -> PersonalModel {
        let catalog = CatalogFeatures(index: index)
        let fingerprint = try store.fingerprint()
        let key = modelKey(fingerprint: fingerprint, policy: policy, blend: blend, indexDirectory: indexDirectory)
        let coViewing: CoViewing
        let histories: Histories
        switch users {
        case .all:
            histories = Histories(events: try store.events(), catalog: catalog, policy: policy, now: fingerprint.newest)
            if let stored = try storedModel(store: store, key: key, catalog: catalog) {
                coViewing = stored
            } else {
                coViewing = Recommender(catalog: catalog, histories: histories, policy: policy, blend: blend).coViewing
                try store.storeModel(coViewing.encode(), key: key)
            }
        case .one(let user):
            coViewing = try sharedModel(store: store, key: key, catalog: catalog, policy: policy, blend: blend)
            histories = Histories(
                events: try store.events(user: user), catalog: catalog, policy: policy, now: fingerprint.newest)
        case .shard(let shard, let count):
            coViewing = try sharedModel(store: store, key: key, catalog: catalog, policy: policy, blend: blend)
            histories = Histories(
                events: try store.events(shard: shard, of: count), catalog: catalog, policy: policy,
                now: fingerprint.newest)
        }
        let recommender = Recommender(catalog: catalog, coViewing: coViewing, blend: blend, policy: policy)
        return PersonalModel(
            index: index, catalog: catalog, histories: histories, recommender: recommender, policy: policy)
    }

    /// The stored co-viewing model for `key`, computed from every event and stored first when
    /// there is none (under the store's lock: a worker that waited finds it stored). `phase`
    /// hears how long each step of a computation took, in seconds.
    public static func sharedModel(
        store: any EventStore, key: String, catalog: CatalogFeatures, policy: SignalPolicy, blend: Blend,
        phase: (_ name: String, _ seconds: Double) -> Void = { _, _ in }
    ) throws -> CoViewing {
        if let stored = try storedModel(store: store, key: key, catalog: catalog) { return stored }
        return try store.withModelLock(key: key) {
            if let stored = try storedModel(store: store, key: key, catalog: catalog) { return stored }
            var start = Engine.clock()
            func lap(_ name: String) {
                let now = Engine.clock()
                phase(name, now - start)
                start = now
            }
            let fingerprint = try store.fingerprint()
            let events = try store.events()
            lap("read \(events.count) events")
            let histories = Histories(events: events, catalog: catalog, policy: policy, now: fingerprint.newest)
            lap("built \(histories.users.count) users' histories")
            let coViewing = Recommender(catalog: catalog, histories: histories, policy: policy, blend: blend).coViewing
            lap("computed the co-viewing neighbours")
            try store.storeModel(coViewing.encode(), key: key)
            lap("stored the model")
            return coViewing
        }
    }

    /// The model stored under `key`, when there is one made for this catalog.
    static func storedModel(store: any EventStore, key: String, catalog: CatalogFeatures) throws -> CoViewing? {
        guard let bytes = try store.model(key: key) else { return nil }
        return CoViewing.decode(bytes, count: catalog.count)
    }

    /// What the co-viewing model depends on, as a key: the stored events (their fingerprint),
    /// the settings that shape it and the index snapshot.
    public static func modelKey(
        fingerprint: EventFingerprint, policy: SignalPolicy, blend: Blend, indexDirectory: IndexDirectory
    ) -> String {
        var parts: [[UInt8]] = [
            Array("coviewing-1 \(fingerprint.events) \(fingerprint.lastID) \(fingerprint.newest)".utf8),
            Array("\(policy.positive) \(blend.randomWalkBeta.map { "\($0)" } ?? "cosine")".utf8),
        ]
        parts.append((try? FileSystem.read(indexDirectory.path + "/CURRENT")) ?? [])
        return String(GenreCache.key(parts), radix: 16)
    }

    /// "Title (year)" of a document.
    public func name(_ doc: Int) -> String {
        let stored = StoredTitle(json: index.storedJSON(doc))
        return stored.title + (stored.year.map { " (\($0))" } ?? "")
    }
}
