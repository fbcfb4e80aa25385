import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreIndex
import MicrogenreTagging
import MicrogenreTaxonomy

/// Title embeddings for the commands that tag or train without writing the index: the vectors
/// the index keeps, and the rest embedded on the spot.
enum TitleVectors {
    /// Each of `records`' vectors by the model `embedder`: from the index at `location` where
    /// it holds the title with a vector of that model, else embedded now (with `embedMissing`;
    /// otherwise such titles have none). A note on standard error says where they came from.
    static func load(
        for records: [TitleRecord], embedder: SentenceEmbedder, location: IndexLocation, embedMissing: Bool
    ) -> [TitleID: [Float]] {
        var vectors = indexed(records, identity: embedder.identity, location: location)
        let fromIndex = vectors.count
        let missing = records.filter { vectors[$0.id] == nil }
        if embedMissing && !missing.isEmpty {
            let started = Output.now()
            let bar = SharedProgress("embedding")
            let made = embedder.embed(missing.map(EmbeddingText.text(for:))) { done, total in
                bar.update(done: done, total: total)
            }
            bar.finish()
            for (k, record) in missing.enumerated() { vectors[record.id] = Array(made[k]) }
            Output.error(
                "embeddings: \(fromIndex.grouped) titles from the index, \(missing.count.grouped) embedded in \(String(format2: Output.now() - started)) s"
            )
        } else if !missing.isEmpty {
            Output.error(
                "note: \(missing.count.grouped) of \(records.count.grouped) titles have no embedding in the index: no evidence from meaning for them (`microgenre index` embeds them)"
            )
        }
        return vectors
    }

    /// The vectors of `records` by the model `identity` that the index at `location` holds
    /// (none when there is no index there).
    static func indexed(_ records: [TitleRecord], identity: String, location: IndexLocation) -> [TitleID: [Float]] {
        var vectors: [TitleID: [Float]] = [:]
        let directory = location.directory
        guard FileSystem.exists(directory.path + "/CURRENT"), let reader = try? directory.open() else { return [:] }
        let indexed = reader.liveVectors(identity: identity)
        for record in records { if let vector = indexed[record.id] { vectors[record.id] = vector } }
        return vectors
    }

    /// Tags every record with `tagger`, with its vector from the index at `location` when the
    /// tag model reads vectors and the index holds the title's, and with co-viewing evidence
    /// from `events` when given.
    static func tagAll(
        _ records: [TitleRecord], tagger: Tagger, location: IndexLocation, events: EventsLocation?
    ) throws -> [(id: TitleID, scores: [TagScore])] {
        let identity = tagger.embeddingIdentity
        let vectors = identity.map { indexed(records, identity: $0, location: location) } ?? [:]
        if identity != nil && vectors.count < records.count {
            Output.error(
                "note: \((records.count - vectors.count).grouped) of \(records.count.grouped) titles have no vector in the index: no evidence from meaning for them"
            )
        }
        let neighbours = try events.map { events in
            try CoViewingEvidence.load(
                index: location.openOrExit(), at: location.directory, events: events, tagger: tagger)
        }
        return records.map { record in
            let vector = identity.flatMap { id in vectors[record.id].map { TitleVector(identity: id, values: $0) } }
            let own = tagger.tag(record, vector: vector)
            return (record.id, neighbours?.smooth(record.id, own) ?? own)
        }
    }

    /// The embedding of every tag's description, by tag.
    static func descriptions(of taxonomy: Taxonomy, embedder: SentenceEmbedder) -> [TagID: [Float]] {
        let described = taxonomy.tags.filter { $0.description != nil }
        let made = embedder.embed(described.map { $0.description! })
        var result: [TagID: [Float]] = [:]
        for (k, tag) in described.enumerated() { result[tag.id] = Array(made[k]) }
        return result
    }
}
