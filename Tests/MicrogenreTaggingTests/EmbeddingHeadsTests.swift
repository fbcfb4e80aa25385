import MicrogenreCore
import MicrogenreTaxonomy
import MicrogenreTestSupport
import Testing

@testable import MicrogenreTagging

/// Evidence from meaning: heads over title embeddings, learned and from descriptions, in the
/// tagger and in the model file. Synthetic 8-dimensional "embeddings" stand in for the model's.
@Suite struct EmbeddingHeadsTests {
    let identity = "test-model 0123"
    let dimension = 8

    /// A unit vector leaning towards axis `axis`, with a little of every other axis.
    func vector(_ axis: Int, lean: Float = 3, noise: Int = 0) -> [Float] {
        var v = (0..<dimension).map { k in Float((k * 7 + noise * 3) % 5) * 0.1 }
        v[axis] += lean
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }

    /// Titles named "heist" lean to axis 0, the rest to axis 1 to 7; "quirky" is named by none
    /// and described by a vector on axis 5.
    func training() -> (vectors: [[Float]], labels: [Set<Int>], heist: Int, quirky: Int) {
        let heist = repositoryTaxonomy.index(of: TagID("heist"))!
        let quirky = repositoryTaxonomy.index(of: TagID("quirky"))!
        var vectors: [[Float]] = []
        var labels: [Set<Int>] = []
        for k in 0..<400 {
            let positive = k % 8 == 0
            vectors.append(vector(positive ? 0 : 1 + k % 7, noise: k))
            labels.append(positive ? [heist] : [])
        }
        return (vectors, labels, heist, quirky)
    }

    func trained(minimumPositives: Int = 25) -> (heads: EmbeddingHeads, report: EmbeddingHeadTrainer.Report) {
        let data = training()
        var trainer = EmbeddingHeadTrainer()
        trainer.minimumPositives = minimumPositives
        trainer.calibrationMaximumPrior = 0.2
        return trainer.train(
            vectors: data.vectors, labels: data.labels, heldOut: data.vectors.indices.map { $0 % 5 == 0 },
            taxonomy: repositoryTaxonomy, identity: identity, dimension: dimension,
            descriptions: [data.heist: vector(0), data.quirky: vector(5)])
    }

    @Test func aClassifierLearnsItsTagAndADescriptionHeadCoversATagNoTitleNames() throws {
        let (heads, report) = trained()
        #expect(report.classifiers == 1 && report.descriptions == 1)
        let heist = try #require(heads.heads.firstIndex { $0.tag == TagID("heist") })
        let quirky = try #require(heads.heads.firstIndex { $0.tag == TagID("quirky") })
        #expect(heads.heads[heist].kind == .classifier && heads.heads[quirky].kind == .description)
        #expect(abs(heads.heads[heist].prior - 0.125) < 0.03)
        // Held out, the classifier is right.
        let counts = try #require(report.evaluation.counts[TagID("heist")])
        #expect(
            counts.truePositives > 0 && counts.falsePositives == 0 && counts.falseNegatives == 0,
            "\(counts) c \(heads.heads[heist].labelFrequency)")
        // A heist-like vector gets strong heist evidence, another none.
        let onHeist = heads.probabilities(vector(0, noise: 3))
        let onOther = heads.probabilities(vector(3, noise: 3))
        #expect(EmbeddingHeads.evidence(onHeist[heist], of: heads.heads[heist]) > 0.8)
        #expect(EmbeddingHeads.evidence(onOther[heist], of: heads.heads[heist]) < 0.05)
        // The description head rises for titles near its description, and only there.
        #expect(onOther[quirky] < heads.probabilities(vector(5, noise: 3))[quirky])
        #expect(report.slope > 0)
    }

    @Test func evidenceIsTheRiseOverThePriorDividedByTheLabelFrequency() {
        let classifier = EmbeddingHeads.Head(
            tag: TagID("heist"), kind: .classifier, bias: 0, prior: 0.1, labelFrequency: 0.5)
        #expect(EmbeddingHeads.evidence(0.05, of: classifier) == 0)  // at or below the prior's 0.2
        #expect(abs(EmbeddingHeads.evidence(0.3, of: classifier) - 0.5) < 1e-6)  // (0.6 - 0.2) / 0.8
        #expect(EmbeddingHeads.evidence(0.9, of: classifier) == 1)
        let description = EmbeddingHeads.Head(
            tag: TagID("quirky"), kind: .description, bias: 0, prior: 0, labelFrequency: 0.25)
        #expect(abs(EmbeddingHeads.evidence(0.1, of: description) - 0.4) < 1e-6)
    }

    @Test func theTaggerAddsEmbeddingEvidenceOnlyForTheModelsVectors() throws {
        let (heads, _) = trained()
        let model = TagModel(terms: [], classifiers: [], embedding: heads)
        let tagger = try Tagger(taxonomy: repositoryTaxonomy, model: model)
        #expect(tagger.embeddingIdentity == identity)
        let record = film("a", synopsis: "Four old friends plan one more job.")
        let withVector = tagger.tag(record, vector: TitleVector(identity: identity, values: vector(0, noise: 5)))
        let heist = try #require(withVector.first { $0.tag == TagID("heist") })
        #expect(heist.score > 0.8)
        let evidence = try #require(heist.evidence.first)
        #expect(evidence.source == .embedding && evidence.field == "classifier")
        #expect(evidence.text.hasPrefix("classifier p "))
        // The parent (crime) inherits a classifier's evidence.
        #expect((withVector.first { $0.tag == TagID("crime") }?.score ?? 0) > 0.5)
        // Another model's vector, or none, adds nothing.
        let foreign = tagger.tag(record, vector: TitleVector(identity: "other 9999", values: vector(0, noise: 5)))
        #expect(!foreign.contains { $0.tag == TagID("heist") })
        #expect(!tagger.tag(record).contains { $0.tag == TagID("heist") })
    }

    @Test func descriptionEvidenceIsNotPassedToParents() throws {
        // A description head for forbidden-love (parent: romantic) that fires on axis 2.
        var weights = [Float](repeating: 0, count: dimension)
        weights[2] = 20
        let heads = EmbeddingHeads(
            identity: identity, dimension: dimension,
            heads: [EmbeddingHeads.Head(tag: TagID("forbidden-love"), kind: .description, bias: -10, prior: 0)],
            weights: weights)
        let tagger = try Tagger(
            taxonomy: repositoryTaxonomy, model: TagModel(terms: [], classifiers: [], embedding: heads))
        let scores = tagger.tag(
            film("a", synopsis: "Two people meet in a town."),
            vector: TitleVector(identity: identity, values: vector(2)))
        let forbidden = try #require(scores.first { $0.tag == TagID("forbidden-love") })
        #expect(forbidden.score > 0.9 && forbidden.evidence.first?.field == "description")
        #expect(!scores.contains { $0.tag == TagID("romantic") })
    }

    @Test func headsRoundTripThroughTheModelFile() throws {
        let (heads, _) = trained()
        let model = TagModel(
            terms: ["ranch"], classifiers: [TagModel.Classifier(tag: TagID("westerns"), bias: -1, weights: [(0, 2)])],
            embedding: heads)
        let path = Scratch.file("heads", suffix: ".mgtm")
        try model.write(to: path)
        let read = try TagModel.read(from: path)
        let readHeads = try #require(read.embedding)
        #expect(readHeads.identity == identity && readHeads.dimension == dimension)
        #expect(readHeads.heads == heads.heads && readHeads.weights == heads.weights)
        #expect(read.classifiers == model.classifiers)
        // A file without heads reads without them.
        try TagModel(terms: ["ranch"], classifiers: []).write(to: path)
        #expect(try TagModel.read(from: path).embedding == nil)
    }

    /// A version 2 file (before embedding heads) still reads.
    @Test func versionTwoFilesRead() throws {
        let path = Scratch.file("v2", suffix: ".mgtm")
        try TagModel(
            terms: ["ranch"], classifiers: [TagModel.Classifier(tag: TagID("westerns"), bias: -1, weights: [(0, 2)])]
        )
        .write(to: path)
        var bytes = Array(try FileSystem.read(path).dropLast(9))  // the checksum and the "no heads" byte
        bytes[4] = 2
        let sum = FNV1a.hash(bytes[...])
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: sum >> (8 * UInt64(k)))) }
        try FileSystem.write(bytes, to: path)
        let read = try TagModel.read(from: path)
        #expect(read.terms == ["ranch"] && read.classifiers.count == 1 && read.embedding == nil)
    }
}
