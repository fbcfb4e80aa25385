import ArgumentParser
import MicrogenreCore
import MicrogenreIndex
import MicrogenreServer
import MicrogenreTagging
import MicrogenreTaxonomy

/// Co-viewing evidence for `tag --coviewing` and `index --coviewing`: the co-viewing model of
/// the events store over the index's titles (the one `rows` uses, from its cache when fresh),
/// and every indexed title's own scores, tagged again from its stored record and vector, so a
/// title borrows from its neighbours' own evidence and never from what they borrowed.
struct CoViewingEvidence {
    let smoother: CoViewingSmoother
    let index: IndexReader
    let documents: [TitleID: Int]
    let neighbours: [[(doc: Int, similarity: Double)]]
    let own: [[TagID: Double]]

    /// Loads the co-viewing model and tags every live title of `index` with `tagger`.
    static func load(
        index: IndexReader, at directory: IndexDirectory, events: EventsLocation, tagger: Tagger
    ) throws -> CoViewingEvidence {
        let started = Output.now()
        let store = try events.open(create: false)
        let options = try BlendOptions.parse([])
        let model = try PersonalModel.load(
            index: index, at: directory, store: store, policy: options.policy, blend: options.blend)
        let vectors = tagger.embeddingIdentity.map { index.liveVectors(identity: $0) } ?? [:]
        var own = [[TagID: Double]](repeating: [:], count: index.count)
        let documents = index.liveDocuments()
        let records: [TitleRecord]
        do { records = try index.liveRecords() } catch {
            Output.failure(error)
            throw ExitCode(1)
        }
        for record in records {
            guard let doc = documents[record.id] else { continue }
            let vector = tagger.embeddingIdentity.flatMap { identity in
                vectors[record.id].map { TitleVector(identity: identity, values: $0) }
            }
            var scores: [TagID: Double] = [:]
            for score in tagger.tag(record, vector: vector) { scores[score.tag] = score.score }
            own[doc] = scores
        }
        let viewed = model.recommender.coViewing.neighbours.filter { !$0.isEmpty }.count
        Output.error(
            "co-viewing: \(viewed.grouped) of \(index.liveCount.grouped) indexed titles have neighbours (\(store.name)); loaded in \(String(format2: Output.now() - started)) s"
        )
        return CoViewingEvidence(
            smoother: CoViewingSmoother(taxonomy: tagger.taxonomy, weight: tagger.weights.coviewing), index: index,
            documents: documents, neighbours: model.recommender.coViewing.neighbours, own: own)
    }

    /// `scores` (the title's own) with evidence from its co-viewing neighbours; unchanged for
    /// a title the index does not hold or few people watched.
    func smooth(_ id: TitleID, _ scores: [TagScore]) -> [TagScore] {
        guard let doc = documents[id], doc < neighbours.count else { return scores }
        let live = neighbours[doc].filter { $0.doc != doc && index.isLive($0.doc) }.prefix(smoother.neighbourCount)
        let list = live.map { neighbour in
            let stored = StoredTitle(json: index.storedJSON(neighbour.doc))
            return CoViewingSmoother.Neighbour(
                name: stored.title + (stored.year.map { " (\($0))" } ?? ""), similarity: neighbour.similarity,
                scores: own[neighbour.doc])
        }
        return smoother.smooth(scores, neighbours: list)
    }
}
