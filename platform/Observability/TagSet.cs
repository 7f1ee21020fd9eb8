using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EStore.Platform.Observability;

/// <summary>A sorted, immutable tag set with value equality; tag values as invariant strings.</summary>
/// <remarks>
/// The hash ignores order, so a measurement's tags (in whatever order the instrument passed them) can be
/// hashed and compared where they lie (<see cref="TagSetComparer"/>), without sorting or formatting into new objects.
/// </remarks>
internal sealed class TagSet : IEquatable<TagSet>
{
    // http.response.status_code comes as a boxed int on every request: format each code once.
    private static readonly string[] StatusCodeText = [.. Enumerable.Range(100, 500).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    // Per process, so which tags collide cannot be worked out in advance.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    private readonly int _hash;

    private TagSet(KeyValuePair<string, string>[] pairs)
    {
        Pairs = pairs;
        var sum = 0;
        foreach (var pair in pairs)
        {
            sum = unchecked(sum + PairHash(pair.Key, pair.Value));
        }
        _hash = HashCode.Combine(sum, pairs.Length);
    }

    public KeyValuePair<string, string>[] Pairs { get; }

    public static TagSet Empty { get; } = new([]);

    public static TagSet From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Empty;
        }
        var pairs = new KeyValuePair<string, string>[tags.Length];
        var count = 0;
        foreach (var tag in tags)
        {
            if (tag.Value is not null)
            {
                pairs[count++] = new(tag.Key, Format(tag.Value));
            }
        }
        if (count != pairs.Length)
        {
            Array.Resize(ref pairs, count);
        }
        // By value too: a repeated key must come out in one order, or equal sets would differ.
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key) is var byKey and not 0 ? byKey : string.CompareOrdinal(a.Value, b.Value));
        return new TagSet(pairs);
    }

    public static TagSet From(KeyValuePair<string, string>[] pairs) => new(pairs);

    /// <summary>The hash <see cref="From(ReadOnlySpan{KeyValuePair{string, object}})"/> of these tags would have.</summary>
    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sum = 0;
        var count = 0;
        Span<char> scratch = stackalloc char[64];
        foreach (var tag in tags)
        {
            if (tag.Value is not null)
            {
                sum = unchecked(sum + PairHash(tag.Key, Text(tag.Value, scratch)));
                count++;
            }
        }
        return HashCode.Combine(sum, count);
    }

    /// <summary>True when <paramref name="tags"/> (null values left out, any order) are exactly this set.</summary>
    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Pairs.Length > 64)
        {
            return Equals(From(tags));
        }
        // Each tag must match a pair of its own: a repeated tag must not stand in for a missing one.
        ulong matched = 0;
        var count = 0;
        Span<char> scratch = stackalloc char[64];
        foreach (var tag in tags)
        {
            if (tag.Value is null)
            {
                continue;
            }
            if (++count > Pairs.Length)
            {
                return false;
            }
            var value = Text(tag.Value, scratch);
            var found = false;
            for (var i = 0; i < Pairs.Length; i++)
            {
                if ((matched & (1UL << i)) == 0 && string.Equals(Pairs[i].Key, tag.Key, StringComparison.Ordinal) && value.SequenceEqual(Pairs[i].Value))
                {
                    matched |= 1UL << i;
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return count == Pairs.Length;
    }

    public bool Equals(TagSet? other)
    {
        if (other is null || other._hash != _hash || other.Pairs.Length != Pairs.Length)
        {
            return false;
        }
        for (var i = 0; i < Pairs.Length; i++)
        {
            if (!string.Equals(Pairs[i].Key, other.Pairs[i].Key, StringComparison.Ordinal) || !string.Equals(Pairs[i].Value, other.Pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TagSet);

    public override int GetHashCode() => _hash;

    private static int PairHash(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        // Key and value mixed together, so {a=1, b=2} and {a=2, b=1} differ once the pairs are summed.
        var mixed = (TextHash(key) << 32 | TextHash(value)) * 0x9E3779B97F4A7C15UL;
        return (int)(mixed >> 32) ^ (int)mixed;
    }

    /// <summary>
    /// A quick hash of short text, four characters at a time: several tags are hashed per measurement,
    /// where string.GetHashCode's Marvin cost more than everything else the lookup does.
    /// </summary>
    private static ulong TextHash(ReadOnlySpan<char> text)
    {
        var hash = Seed ^ (ulong)text.Length;
        var words = MemoryMarshal.Cast<char, ulong>(text);
        foreach (var word in words)
        {
            hash = BitOperations.RotateLeft((hash ^ word) * 0x9E3779B97F4A7C15UL, 31);
        }
        foreach (var c in text[(words.Length * 4)..])
        {
            hash = BitOperations.RotateLeft((hash ^ c) * 0x9E3779B97F4A7C15UL, 31);
        }
        return (hash ^ (hash >> 29)) & 0xFFFFFFFFUL;
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        int i when i is >= 100 and < 600 => StatusCodeText[i - 100],
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The text <see cref="Format"/> gives, formatted into <paramref name="scratch"/> where that saves a string.</summary>
    private static ReadOnlySpan<char> Text(object value, Span<char> scratch) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        int i when i is >= 100 and < 600 => StatusCodeText[i - 100],
        ISpanFormattable f when f.TryFormat(scratch, out var written, default, CultureInfo.InvariantCulture) => scratch[..written],
        _ => Format(value),
    };
}

/// <summary>
/// Compares tag sets, and a measurement's tags with a tag set (the dictionary's alternate key), so a series is
/// found without allocating.
/// </summary>
internal sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    public static TagSetComparer Instance { get; } = new();

    public bool Equals(TagSet? x, TagSet? y) => x is null ? y is null : x.Equals(y);

    public int GetHashCode(TagSet obj) => obj.GetHashCode();

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other) => other.Matches(alternate);

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => TagSet.HashOf(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => TagSet.From(alternate);
}
