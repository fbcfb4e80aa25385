import MicrogenreCore
import MicrogenreTaxonomy
import MicrogenreTestSupport
import MicrogenreText
import Testing

@testable import MicrogenreTagging

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ModelTests {
    /// A catalog where westerns talk about homesteads on the prairie and say "western" in three
    /// cases of four: the model must learn "prairie" for westerns from the explicit ones (no rule
    /// knows that word), and then tag the fourth.
    func catalog() -> [TitleRecord] {
        var records: [TitleRecord] = []
        for k in 0..<160 {
            switch k % 8 {
            case 0, 1, 2:
                records.append(
                    film(
                        "w\(k)", synopsis: "A western film. A homesteader guards his land on the prairie with a rifle.")
                )
            case 3:
                records.append(film("r\(k)", synopsis: "A homesteader guards his land on the prairie with a rifle."))
            case 4, 5:
                records.append(
                    film("c\(k)", synopsis: "A comedy film. Two roommates share a tiny apartment in the city."))
            default: records.append(film("o\(k)", synopsis: "Two roommates share a tiny apartment in the city."))
            }
        }
        return records
    }

    @Test func learnsPastTheExplicitCue() throws {
        let tagger = try Tagger(taxonomy: repositoryTaxonomy)
        var trainer = TagModelTrainer()
        trainer.minimumPositives = 10
        trainer.epochs = 8
        let (model, report) = trainer.train(catalog(), tagger: tagger, holdout: 0.25)
        #expect(model.classifiers.contains { $0.tag == TagID("westerns") })
        let westerns = try #require(report.evaluation.counts[TagID("westerns")])
        #expect(westerns.recall > 0.8, "held out, with the cue masked: \(westerns)")
        let withModel = try Tagger(taxonomy: repositoryTaxonomy, model: model)
        let unseen = film("x", synopsis: "On the prairie, a homesteader guards his land with a rifle.")
        #expect((withModel.tag(unseen).first { $0.tag == TagID("westerns") }?.score ?? 0) >= 0.5)
        #expect((tagger.tag(unseen).first { $0.tag == TagID("westerns") }?.score ?? 0) < 0.5)
    }

    /// A distant-supervision classifier's base rate is no evidence: a tag most titles carry
    /// (bias near 0, a probability near 0.5 for a title with no features) goes only to titles
    /// whose words raise it.
    @Test func theBaseRateIsNoEvidence() throws {
        let model = TagModel(
            terms: ["ranch"], classifiers: [TagModel.Classifier(tag: TagID("dramas"), bias: 0.1, weights: [(0, 2.0)])])
        let tagger = try Tagger(taxonomy: repositoryTaxonomy, model: model)
        let silent = film("a", synopsis: "Two roommates share a tiny apartment in the city.")
        #expect(tagger.tag(silent).first { $0.tag == TagID("dramas") } == nil)
        let ranch = film("b", synopsis: "Two roommates share a tiny ranch in the hills.")
        let dramas = try #require(tagger.tag(ranch).first { $0.tag == TagID("dramas") })
        // sigmoid(2.1) = 0.891 over a base of sigmoid(0.1) = 0.525: a lift of 0.77.
        #expect(abs(dramas.score - 0.77) < 0.01)
        #expect(Tagger.lift(0.9, over: -20) > 0.89 && Tagger.lift(0.3, over: 0) == 0)
    }

    func temporaryPath() -> String {
        Scratch.file("model", suffix: ".mgtm")
    }

    func smallModel() -> TagModel {
        TagModel(
            terms: ["ranch", "cattle", "@john wayne"],
            classifiers: [TagModel.Classifier(tag: TagID("westerns"), bias: -1.5, weights: [(0, 2.0), (2, 1.25)])])
    }

    /// Equal weights must not let the order of a title's features pick the evidence shown.
    @Test func strongestFeaturesDoNotDependOnFeatureOrder() {
        let model = TagModel(
            terms: ["ranch", "cattle", "rifle", "prairie", "dust"],
            classifiers: [
                TagModel.Classifier(
                    tag: TagID("westerns"), bias: 0, weights: [(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0), (4, 0.5)])
            ])
        let forward = model.predict(features: [0, 1, 2, 3, 4])
        let backward = model.predict(features: [4, 3, 2, 1, 0])
        #expect(forward.map(\.strongest) == [[0, 1, 2]])
        #expect(backward.map(\.strongest) == [[0, 1, 2]])
        #expect(forward.map(\.probability) == backward.map(\.probability))
    }

    @Test func fileRoundTrips() throws {
        let path = temporaryPath()
        let model = smallModel()
        try model.write(to: path)
        let read = try TagModel.read(from: path)
        #expect(read.terms == model.terms)
        #expect(read.classifiers == model.classifiers)
        #expect(read.analyzerVersion == Analyzer.version)
    }

    /// A file of format version 1 (before the analyzer's version was recorded) still reads, as
    /// trained by analyzer version 1.
    @Test func versionOneFilesRead() throws {
        let path = temporaryPath()
        let model = smallModel()
        try model.write(to: path)
        var bytes = Array(try FileSystem.read(path).dropLast(8))
        bytes.removeSubrange(8..<12)  // the analyzer version
        bytes[4] = 1
        let sum = FNV1a.hash(bytes[...])
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: sum >> (8 * UInt64(k)))) }
        try FileSystem.write(bytes, to: path)
        let read = try TagModel.read(from: path)
        #expect(read.analyzerVersion == 1)
        #expect(read.terms == model.terms && read.classifiers == model.classifiers)
    }

    @Test(arguments: ["flip", "truncate", "magic", "version", "empty"])
    func damagedFilesGiveClearErrors(damage: String) throws {
        let path = temporaryPath()
        try smallModel().write(to: path)
        var bytes = try FileSystem.read(path)
        switch damage {
        case "flip": bytes[20] ^= 0xFF
        case "truncate": bytes.removeLast(11)
        case "magic": bytes[0] = UInt8(ascii: "X")
        case "version": bytes[4] = 9
        default: bytes = []
        }
        try FileSystem.write(bytes, to: path)
        #expect {
            _ = try TagModel.read(from: path)
        } throws: { error in
            guard let error = error as? TagModel.FileError else { return false }
            return error.path == path
                && (damage == "version" ? error.message.contains("version 9") : true)
                && (damage == "magic" || damage == "empty" ? error.message.contains("magic") : true)
        }
    }
}
