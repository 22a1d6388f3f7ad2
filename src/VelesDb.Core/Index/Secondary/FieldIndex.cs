using System.Text.Json;
using VelesDb.Core.Filtering;
using VelesDb.Core.Filtering.Bitmaps;

namespace VelesDb.Core.Index.Secondary;

/// <summary>
/// A secondary index on one payload field: each distinct scalar value the field takes maps to
/// the bitmap of the rows holding it, plus one bitmap of the rows where the field is present
/// and not null. Answers equality, membership, range and null tests with <b>exactly</b> the rows
/// the filter evaluator would accept, so an indexed condition needs no per-row check.
/// </summary>
/// <remarks>
/// Exactness without re-implementing filter semantics: values are keyed so that every member of a
/// key compares identically against any literal (integers that fit 64 bits, larger unsigned
/// integers, other numbers by their double value, strings, true, false, null), and each key keeps
/// one representative value. A lookup finds the candidate keys — by hash, or in a window of the
/// numerically or ordinally sorted keys wide enough for the evaluator's relative epsilon of
/// 1e-9 — and tests each key's representative with the very comparison the filter uses.
/// Arrays and objects are not keyed (only their presence is): conditions with array or object
/// literals are not answered here. Not thread-safe; the collection's lock guards it.
/// </remarks>
internal sealed class FieldIndex
{
    /// <summary>Half-width of the candidate window around a number, relative to max(1, |value|): wider than the evaluator's 1e-9.</summary>
    private const double NumberWindow = 1e-8;

    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly RoaringBitmap _present = new();
    private Entry[]? _numbersSorted;
    private Entry[]? _stringsSorted;

    public FieldIndex(string field)
    {
        Path = FieldPath.Create(field);
    }

    /// <summary>The dot path of the indexed field.</summary>
    public string Field => Path.Text;

    /// <summary>Distinct scalar values indexed.</summary>
    public int DistinctValues => _entries.Count;

    /// <summary>Rows where the field is present and not null.</summary>
    public RoaringBitmap Present => _present;

    /// <summary>An estimate of the bytes the index holds.</summary>
    public long MemoryBytes
    {
        get
        {
            var bytes = _present.MemoryBytes + (_entries.Count * 96L);
            foreach (var entry in _entries.Values)
            {
                bytes += entry.Rows.MemoryBytes;
            }

            return bytes;
        }
    }

    private FieldPath Path { get; }

    /// <summary>Indexes <paramref name="row"/> under the field's value in <paramref name="payload"/>.</summary>
    public void Add(int row, JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var value))
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Null)
        {
            _present.Add(row);
        }

        if (TryKey(value, out var key, out var sortValue))
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry(value.Clone(), sortValue);
                _entries.Add(key, entry);
                InvalidateSorted(key);
            }

            entry.Rows.Add(row);
        }
    }

    /// <summary>Removes <paramref name="row"/>, which was indexed with <paramref name="payload"/>.</summary>
    public void Remove(int row, JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var value))
        {
            return;
        }

        _present.Remove(row);
        if (TryKey(value, out var key, out _) && _entries.TryGetValue(key, out var entry))
        {
            entry.Rows.Remove(row);
            if (entry.Rows.IsEmpty)
            {
                _entries.Remove(key);
                InvalidateSorted(key);
            }
        }
    }

    /// <summary>Rows whose field equals <paramref name="literal"/> under filter semantics; null for array and object literals.</summary>
    public RoaringBitmap? Equal(FilterValue literal)
    {
        switch (literal.Kind)
        {
            case JsonValueKind.Array or JsonValueKind.Object:
                return null;
            case JsonValueKind.Number:
                return Union(NumberCandidates(literal, out _, out _), entry => literal.EqualTo(entry.Representative));
            default:
                return TryKey(literal.Element, out var key, out _) && _entries.TryGetValue(key, out var entry) && literal.EqualTo(entry.Representative)
                    ? entry.Rows.Clone()
                    : new RoaringBitmap();
        }
    }

    /// <summary>
    /// Rows whose field orders against <paramref name="literal"/> so that <paramref name="accept"/>
    /// holds for the order (negative: the field is smaller). Only numbers against numbers and
    /// strings against strings are ordered; any other literal matches nothing.
    /// </summary>
    public RoaringBitmap Compare(FilterValue literal, Func<int, bool> accept)
    {
        bool Test(Entry entry) => literal.TryCompare(entry.Representative, out var order) && accept(order);

        return literal.Kind switch
        {
            JsonValueKind.Number => Union(NumberCandidates(literal, out var low, out var high), Test, low, high, accept),
            JsonValueKind.String => Union(StringsSorted(), Test),
            _ => new RoaringBitmap(),
        };
    }

    /// <summary>
    /// Number keys sorted by value, and the index range [<paramref name="low"/>, <paramref name="high"/>)
    /// of the ones within the window around the literal: everything below compares smaller,
    /// everything from <paramref name="high"/> on larger.
    /// </summary>
    private ReadOnlySpan<Entry> NumberCandidates(FilterValue literal, out int low, out int high)
    {
        var sorted = _numbersSorted ??= Sorted(KeyKind.Int64, KeyKind.UInt64, KeyKind.Double);
        var v = literal.Element.GetDouble();
        var window = NumberWindow * Math.Max(1, Math.Abs(v));
        low = LowerBound(sorted, v - window);
        high = LowerBound(sorted, v + window);
        while (high < sorted.Length && sorted[high].SortValue <= v + window)
        {
            high++;
        }

        return sorted;
    }

    private static int LowerBound(Entry[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid].SortValue < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private Entry[] StringsSorted() => _stringsSorted ??= Sorted(KeyKind.String);

    private Entry[] Sorted(params KeyKind[] kinds)
    {
        var list = new List<Entry>();
        foreach (var (key, entry) in _entries)
        {
            if (Array.IndexOf(kinds, key.Kind) >= 0)
            {
                list.Add(entry);
            }
        }

        if (kinds[0] == KeyKind.String)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Representative.GetString(), b.Representative.GetString()));
        }
        else
        {
            list.Sort((a, b) => a.SortValue.CompareTo(b.SortValue));
        }

        return [.. list];
    }

    /// <summary>The union of the rows of the entries in <paramref name="window"/> that pass <paramref name="test"/>.</summary>
    private static RoaringBitmap Union(ReadOnlySpan<Entry> window, Func<Entry, bool> test)
    {
        var result = new RoaringBitmap();
        foreach (var entry in window)
        {
            if (test(entry))
            {
                result.OrWith(entry.Rows);
            }
        }

        return result;
    }

    /// <summary>
    /// A range over sorted numbers: entries below <paramref name="low"/> compare smaller than the
    /// literal and entries from <paramref name="high"/> on larger, so only the window between is
    /// tested one by one.
    /// </summary>
    private static RoaringBitmap Union(ReadOnlySpan<Entry> sorted, Func<Entry, bool> test, int low, int high, Func<int, bool> accept)
    {
        var below = accept(-1);
        var above = accept(1);
        var rows = new List<int>();
        for (var i = 0; i < sorted.Length; i++)
        {
            var entry = sorted[i];
            var take = i < low ? below : i >= high ? above : test(entry);
            if (take)
            {
                foreach (var row in entry.Rows)
                {
                    rows.Add(row);
                }
            }
        }

        rows.Sort();
        return RoaringBitmap.FromSorted(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
    }

    private void InvalidateSorted(Key key)
    {
        if (key.Kind == KeyKind.String)
        {
            _stringsSorted = null;
        }
        else
        {
            _numbersSorted = null;
        }
    }

    /// <summary>The key of a scalar value; false for arrays, objects and numbers beyond the double range.</summary>
    private static bool TryKey(JsonElement value, out Key key, out double sortValue)
    {
        sortValue = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                key = new Key(KeyKind.String, 0, value.GetString());
                return true;
            case JsonValueKind.True:
                key = new Key(KeyKind.True, 0, null);
                return true;
            case JsonValueKind.False:
                key = new Key(KeyKind.False, 0, null);
                return true;
            case JsonValueKind.Null:
                key = new Key(KeyKind.Null, 0, null);
                return true;
            case JsonValueKind.Number when value.TryGetInt64(out var int64):
                key = new Key(KeyKind.Int64, int64, null);
                sortValue = int64;
                return true;
            case JsonValueKind.Number when value.TryGetUInt64(out var uint64):
                key = new Key(KeyKind.UInt64, unchecked((long)uint64), null);
                sortValue = uint64;
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                key = new Key(KeyKind.Double, BitConverter.DoubleToInt64Bits(number), null);
                sortValue = number;
                return true;
            default:
                key = default;
                return false;
        }
    }

    private enum KeyKind : byte
    {
        Null,
        False,
        True,
        Int64,
        UInt64,
        Double,
        String,
    }

    private readonly record struct Key(KeyKind Kind, long Bits, string? Text);

    private sealed class Entry(JsonElement representative, double sortValue)
    {
        public JsonElement Representative { get; } = representative;

        public double SortValue { get; } = sortValue;

        public RoaringBitmap Rows { get; } = new();
    }
}
