import MicrogenreCore
import MicrogenreQuery
import MicrogenreTagging
import MicrogenreTaxonomy
import Testing

@testable import MicrogenreIndex

@Suite struct PersonNamesTests {
    /// Two films of Stephen King's novels (one credits him) and a film about a king.
    func kingIndex() throws -> IndexReader {
        func film(_ id: String, _ year: Int, _ synopsis: String, people: [String]) -> TitleRecord {
            TitleRecord(
                id: TitleID(id), kind: .movie, title: id.capitalized, year: year,
                synopses: [Synopsis(length: .short, language: "en", text: synopsis)],
                people: people.map { Credit(name: $0, role: .cast) })
        }
        let records = [
            film("palace", 1990, "A drama film about a king and his court.", people: ["Jane Doe"]),
            film(
                "carrie", 1976, "A horror film based on the novel by Stephen King.",
                people: ["Stephen King", "Sissy Spacek"]),
            film("misery", 1990, "A thriller film based on the novel by Stephen King.", people: ["Kathy Bates"]),
        ]
        let tagger = try Tagger(taxonomy: taxonomy)
        var writer = try SegmentWriter()
        for record in records {
            writer.add(IndexDocument(record: record, facets: tagger.tag(record).map { ($0.tag, $0.score) }))
        }
        let directory = IndexDirectory(path: temporaryDirectory() + "/index")
        try directory.publish(writer.finish())
        return try directory.open()
    }

    @Test func creditedPeopleAreNames() throws {
        let index = try kingIndex()
        #expect(index.isPerson(["stephen", "king"]))
        #expect(index.isPerson(["sissi", "spacek"]))
        #expect(!index.isPerson(["king", "stephen"]))
        #expect(!index.isPerson(["stephen", "spacek"]))
        #expect(!index.isPerson(["king"]))
        #expect(!index.isPerson(["stephen", "nobodi"]))
    }

    @Test func aCreditedNameInAQueryIsNoFacet() throws {
        let index = try kingIndex()
        let plain = try QueryParser(taxonomy: taxonomy).parse("stephen king")
        #expect(plain.facets.map(\.tag.rawValue) == ["royalty"])
        let parsed = try QueryParser(taxonomy: taxonomy, people: index).parse("stephen king")
        #expect(parsed.facets.isEmpty)
        #expect(parsed.terms.map(\.term) == ["stephen", "king"])
        #expect(parsed.names.map(\.terms) == [["stephen", "king"]])
        let found = Searcher(index: index).search(parsed, limit: 3).map(\.id.rawValue)
        #expect(Set(found.prefix(2)) == ["carrie", "misery"], "\(found)")
    }
}
