#!/usr/bin/python3
"""Make the tiny RoBERTa-style tokenizer used by the tiny test model, and its golden token ids.

The tiny tokenizer has the shape of roberta-base's files but at most 1000 ids:
  <s> 0, <pad> 1, </s> 2, <unk> 3, the 256 byte symbols 4..259 (GPT-2's bytes_to_unicode,
  in byte order), merges learned by plain BPE on the ImageNet class names x the 80 templates,
  and <mask> = 999 last.

It writes, under model/src/test/resources/:
  tiny-model/vocab.json, tiny-model/merges.txt, tiny-model/tokenizer.json  (pair-style merges)
  tokenizer-variants/tokenizer.json                                        (same, "a b" string merges)
  tiny-model/golden/token_ids.json                                         ([{text, ids: 77 ids}])
  tokenizer/cleaning.json        ([{text, fix_text, unescape, clean}]: ftfy, html.unescape, open_clip's cleaning)
and a copy of the three tokenizer files under model/src/main/resources/io/clipstream/model/tiny/.

The golden ids come from an independent reference written out here: open_clip's cleaning
(ftfy.fix_text, html.unescape twice, strip, whitespace collapse) and OpenAI's GPT-2 encoder.py
BPE, then open_clip's HFTokenizer framing ([0] + 75 tokens + [2], padded with 1 to 77).

Run with Debian's interpreter:  /usr/bin/python3 model/src/test/python/make_tiny_tokenizer.py
Needs: python3-regex (apt) and ftfy 6.x. Debian bookworm has no python3-ftfy; install the wheel into
a side folder and put it on PYTHONPATH, e.g.
  /usr/bin/python3 -m pip install --target /tmp/tokpy ftfy==6.3.1 && PYTHONPATH=/tmp/tokpy /usr/bin/python3 ...
"""
import collections
import html
import json
import os
import shutil
import sys

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TEST_RES = os.path.join(MODEL, "src", "test", "resources")
TINY = os.path.join(TEST_RES, "tiny-model")
VARIANTS = os.path.join(TEST_RES, "tokenizer-variants")
MAIN_TINY = os.path.join(MODEL, "src", "main", "resources", "io", "clipstream", "model", "tiny")
TESTDATA = os.environ.get("CLIPSTREAM_TESTDATA", os.path.join(MODEL, "..", "..", "shared", "testdata"))

VOCAB_SIZE = 1000
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
MASK = "<mask>"
CONTEXT_LENGTH = 77

# GPT-2's pre-tokenizer (roberta-base uses the same, through Hugging Face's ByteLevel).
PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode character map (from OpenAI's encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


def byte_encode(piece):
    return "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))


def read_lines(name):
    with open(os.path.join(TESTDATA, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


# ---------------------------------------------------------------- training

def train_merges(words):
    """Plain BPE: yield merges of the most frequent adjacent pair, one by one (ties: smallest pair)."""
    splits = {w: list(w) for w in words}
    while True:
        pairs = collections.Counter()
        for w, count in words.items():
            s = splits[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += count
        if not pairs:
            return
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        yield best
        for w, s in splits.items():
            i, out = 0, []
            while i < len(s):
                if i < len(s) - 1 and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            splits[w] = out


def build_vocab():
    classes = read_lines("imagenet_classnames.txt")
    templates = read_lines("openai_imagenet_templates.txt")
    words = collections.Counter()
    for t in templates:
        for c in classes:
            for piece in PAT.findall(t.replace("{}", c)):
                words[byte_encode(piece)] += 1
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for b in range(256):
        vocab[BYTE_ENCODER[b]] = len(vocab)
    merges = []
    for a, b in train_merges(words):  # until every id but the last (<mask>) is taken
        if len(vocab) == VOCAB_SIZE - 1:
            break
        merges.append((a, b))
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    vocab[MASK] = len(vocab)
    assert len(vocab) <= VOCAB_SIZE and vocab[MASK] == VOCAB_SIZE - 1, len(vocab)
    return vocab, merges


def tokenizer_json(vocab, merges, pair_merges):
    def added(i, content, lstrip=False):
        return {"id": i, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": False,
                "normalized": False, "special": True}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added(vocab[t], t) for t in SPECIALS] + [added(vocab[MASK], MASK, lstrip=True)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab,
                  "merges": [[a, b] for a, b in merges] if pair_merges else [f"{a} {b}" for a, b in merges]},
    }


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False)
        f.write("\n")


def write_golden(path, golden):
    """One {"text", "ids"} object a line, so a diff shows which text changed."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps({"text": t, "ids": ids}, ensure_ascii=True) for t, ids in golden))
        f.write("\n]\n")


# ---------------------------------------------------------------- reference encoder

def clean(text):
    """open_clip: whitespace_clean(basic_clean(text)) -- both historical forms of whitespace_clean agree."""
    import ftfy
    text = ftfy.fix_text(text)
    text = html.unescape(html.unescape(text)).strip()
    a = " ".join(text.split())
    b = regex.sub(r"\s+", " ", text).strip()
    assert a == b, (a, b)
    return a


def get_pairs(word):
    return set(zip(word, word[1:]))


def bpe(token, ranks):
    """OpenAI's GPT-2 encoder.py Encoder.bpe, without the cache."""
    word = tuple(token)
    pairs = get_pairs(word)
    if not pairs:
        return [token]
    while True:
        bigram = min(pairs, key=lambda pair: ranks.get(pair, float("inf")))
        if bigram not in ranks:
            break
        first, second = bigram
        new_word, i = [], 0
        while i < len(word):
            try:
                j = word.index(first, i)
                new_word.extend(word[i:j])
                i = j
            except ValueError:
                new_word.extend(word[i:])
                break
            if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                new_word.append(first + second)
                i += 2
            else:
                new_word.append(word[i])
                i += 1
        word = tuple(new_word)
        if len(word) == 1:
            break
        pairs = get_pairs(word)
    return list(word)


def encode(text, vocab, ranks):
    ids = []
    for piece in PAT.findall(clean(text)):
        ids.extend(vocab[t] for t in bpe(byte_encode(piece), ranks))
    ids = [vocab["<s>"]] + ids[:CONTEXT_LENGTH - 2] + [vocab["</s>"]]
    return ids + [vocab["<pad>"]] * (CONTEXT_LENGTH - len(ids))


def golden_texts():
    words = ("the quick brown fox jumps over the lazy dog while a photo of a tench and a goldfish "
             "sits on the table next to 3 cats, 12 dogs and one great white shark; ").split()
    long_text = " ".join(words[i % len(words)] for i in range(500))
    return [
        "Hello world",
        "",
        "   ",
        "  Hello world  ",
        "  multiple   spaces ",
        "a photo of a tench.",
        "a bad photo of the goldfish.",
        "itap of a great white shark.",
        "It's a dog, isn't it? We'll see; they've said I'm sure you'd agree",
        "&amp;amp;",
        "&amp;amp;amp;",
        "&lt;b&gt;bold&lt;/b&gt;",
        "<b>&amp;amp;</b>",
        "line one &amp;amp;amp;\n<b> line two &amp;amp;amp;\nline three &amp;amp;amp;",
        "caf&eacute; &eacute &EACUTE; &notit; &#x1F600; &#128512; &#0; &#x85; &#xD800; &#1114112; &nbsp;x",
        "&Tab;tab &NewLine;nl &#12;ff &#13;cr",
        "\u201ccurly\u201d \u2018quotes\u2019 \u201bx\u201f \u02bcok",
        "\ufb01ne \ufb02ow \ufb03 \ufb04 \ufb00 \ufb05 \ufb06 \u0132 \u01c4 \u0149",
        "\uff21\uff22\uff23 \uff41\uff42\uff43\uff11\uff12\uff13\uff01 \uff71\uff72 \u3000full\u3000width",
        "emoji \U0001F600\U0001F436 \U0001F469\u200d\U0001F469\u200d\U0001F467 \U0001F1E9\U0001F1EA \u2764\ufe0f",
        "\u4e00\u5f20\u732b\u7684\u7167\u7247 \u65e5\u672c\u8a9e\u306e\u6587 \ud55c\uad6d\uc5b4 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0939\u093f\u0928\u094d\u0926\u0940",
        "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00c5ngstr\u00f6m Stra\u00dfe e\u0301 A\u030a \u1e9b\u0323",
        "digits 1234567890 3.14159 1,000,000 \u0661\u0662\u0663 \u2460\u00bd",
        "tabs\tand\nnewlines\r\nand\rreturns \u2028sep\u2029par \x85next",
        "controls\x00\x01\x07\x0b\x1b[31mred\x1b[0m\x7f \ufeffbom \u200bzw \u200d \u202eRTL",
        "c1 \x80 \x81 \x8d \x9f \x93q\x94",
        "punctuation!!! ... ?!? --- (parens) [brackets] {braces} @user #tag $5 100% a/b\\c",
        "A   B\t\tC \n\n D",
        "a " * 80,
        long_text,
    ]


def cleaning_texts():
    return golden_texts()[:-1] + [
        "&amp &amp; &AMP; &Amp; &ampx &notin; &notit &not; &copy2024 &NotAnEntity; &#65;&#x41;&#X41 &#65 &#;",
        "&#9999999999999999; &#x110000; &#x0; &#x80; &#x9F; &#xFFFE; &#x1F; &#11; &#x0000041; &#000000065;",
        "&aacute;&Aacute;&AACUTE;&eacute&EACUTE &nbsp&nbsp; &lt&gt &quot;x&quot; &apos; &hellip; &mdash;",
        "&" + "a" * 40 + "; &CounterClockwiseContourIntegral; &CounterClockwiseContourIntegra",
        "\u00e9\u0301 \ufb01\ufb01 \uff5e\uffe5\uff61 \uffe8",
        "\ud83d\ude00 lone \ud800 high and \udc00 low",
        "\x1b[1;31mbold red\x1b[0m \x1b[K \x1b]not\x07",
    ]


def main():
    vocab, merges = build_vocab()
    for folder in (TINY, MAIN_TINY):
        os.makedirs(folder, exist_ok=True)
        write_json(os.path.join(folder, "vocab.json"), vocab)
        with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
            for a, b in merges:
                f.write(f"{a} {b}\n")
        write_json(os.path.join(folder, "tokenizer.json"), tokenizer_json(vocab, merges, pair_merges=True))
    write_json(os.path.join(VARIANTS, "tokenizer.json"), tokenizer_json(vocab, merges, pair_merges=False))

    ranks = {pair: i for i, pair in enumerate(merges)}
    golden = [(text, encode(text, vocab, ranks)) for text in golden_texts()]
    write_golden(os.path.join(TINY, "golden", "token_ids.json"), golden)
    import ftfy
    cleaning = [{"text": t, "fix_text": ftfy.fix_text(t), "unescape": html.unescape(t), "clean": clean(t)}
                for t in cleaning_texts()]
    os.makedirs(os.path.join(TEST_RES, "tokenizer"), exist_ok=True)
    with open(os.path.join(TEST_RES, "tokenizer", "cleaning.json"), "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(json.dumps(c, ensure_ascii=True) for c in cleaning) + "\n]\n")
    print(f"vocab {len(vocab)} ids, {len(merges)} merges, {len(golden)} golden texts", file=sys.stderr)


if __name__ == "__main__":
    main()
