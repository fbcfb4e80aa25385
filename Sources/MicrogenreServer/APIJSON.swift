public import MicrogenreCore
public import MicrogenreIndex
public import MicrogenrePersonalization
public import MicrogenreQuery
public import MicrogenreTagging

/// The JSON the commands print with `--json` and the API answers with: one function per kind of
/// object, so that a route's body and a command's output are the same bytes.
public enum APIJSON {
    /// A query's parse, as `microgenre query --json` prints it.
    public static func query(_ parsed: ParsedQuery) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string(parsed.text, "query")
        func facets(_ list: [ParsedQuery.FacetClause], _ key: String) {
            writer.beginArray(key)
            for clause in list {
                writer.beginObject()
                writer.string(clause.tag.rawValue, "tag")
                writer.string(clause.text, "text")
                writer.number(clause.range.lowerBound, "start")
                writer.number(clause.range.upperBound, "end")
                writer.endObject()
            }
            writer.endArray()
        }
        facets(parsed.facets, "facets")
        writer.beginArray("terms")
        for clause in parsed.terms { writer.string(clause.term) }
        writer.endArray()
        writer.beginArray("phrases")
        for clause in parsed.phrases { writer.strings(clause.terms) }
        writer.endArray()
        writer.beginArray("names")
        for clause in parsed.names { writer.strings(clause.terms) }
        writer.endArray()
        facets(parsed.excludedFacets, "excludedFacets")
        writer.strings(parsed.excludedTerms.map(\.term), "excludedTerms")
        writer.strings(parsed.filters.map(\.text), "filters")
        writer.endObject()
        return writer.bytes
    }

    /// One search result, as `microgenre search --json` prints it (one object a line).
    public static func hit(_ hit: SearchHit) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string(hit.id.rawValue, "id")
        writer.number(hit.score, "score", digits: 4)
        writer.beginObject("facets")
        for (tag, score) in hit.facets { writer.number(score, tag, digits: 3) }
        writer.endObject()
        writer.number(hit.text, "text", digits: 4)
        semantic(hit, to: &writer)
        writer.raw(hit.stored, "title")
        writer.endObject()
        return writer.bytes
    }

    /// One personalized search result, as `microgenre search --user --json` prints it.
    public static func personalHit(_ hit: SearchHit, _ result: PersonalizedHit) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string(hit.id.rawValue, "id")
        writer.number(result.blended - result.diversityPenalty, "score", digits: 4)
        writer.number(result.relevance, "relevance", digits: 4)
        writer.number(result.personal, "personal", digits: 4)
        writer.number(result.diversityPenalty, "diversityPenalty", digits: 4)
        writer.beginObject("personalParts")
        writer.number(result.parts.collaborative, "collaborative", digits: 4)
        writer.number(result.parts.content, "content", digits: 4)
        writer.number(result.parts.popularity, "popularity", digits: 4)
        writer.endObject()
        writer.raw(hit.stored, "title")
        writer.endObject()
        return writer.bytes
    }

    /// The semantic parts of a hit: the mode, the cosine similarity, and in hybrid search the
    /// title's rank in each fused list (nothing for a lexical hit).
    public static func semantic(_ hit: SearchHit, to writer: inout JSONWriter) {
        guard hit.mode != .lexical else { return }
        writer.string(hit.mode.rawValue, "mode")
        if let semantic = hit.semantic, semantic > -1e30 { writer.number(semantic, "semantic", digits: 4) }
        if hit.mode == .hybrid {
            writer.beginObject("ranks")
            if let rank = hit.lexicalRank { writer.number(rank, "lexical") }
            if let rank = hit.semanticRank { writer.number(rank, "semantic") }
            writer.endObject()
        }
    }

    /// A title's tags with their scores and evidence, as `microgenre tag --json` prints it.
    public static func tagged(_ record: TitleRecord, _ scores: [TagScore]) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string(record.id.rawValue, "id")
        writer.string(record.title, "title")
        writer.optional(record.year, "year")
        tags(scores, to: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// Tag scores and their evidence as the array `tags`.
    public static func tags(_ scores: [TagScore], to writer: inout JSONWriter) {
        writer.beginArray("tags")
        for score in scores {
            writer.beginObject()
            writer.string(score.tag.rawValue, "tag")
            writer.number(score.score, "score", digits: 3)
            writer.beginArray("evidence")
            for item in score.evidence {
                writer.beginObject()
                writer.string(item.source.rawValue, "source")
                writer.string(item.field, "field")
                writer.string(item.text, "text")
                writer.optional(item.offset, "offset")
                writer.number(item.weight, "weight", digits: 3)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
    }

    /// A user's page of rows, as `microgenre rows --json` prints it.
    public static func page(user: String, page: [PageRow], catalog: CatalogFeatures) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string(user, "user")
        writer.beginArray("rows")
        for row in page {
            writer.beginObject()
            writer.string(row.name, "name")
            writer.string(row.kind.rawValue, "kind")
            writer.number(row.score, "score", digits: 4)
            writer.beginObject("facets")
            for facet in row.facets { writer.number(facet.affinity, facet.tag, digits: 3) }
            writer.endObject()
            writer.strings(row.because.map { catalog.ids[$0].rawValue }, "because")
            writer.strings(row.titles.map { catalog.ids[$0].rawValue }, "titles")
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// An error body: `{"error": {"message": ..., "column": ...}}` (column from 1, when the
    /// error is at a place in the input).
    public static func error(_ message: String, column: Int? = nil) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginObject("error")
        writer.string(message, "message")
        writer.optional(column, "column")
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }
}
