using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace VelesDb.Core.Collections;

/// <summary>
/// Statistics of one top-level payload field, fed value by value during a
/// <see cref="Collection.Analyze()"/> scan.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>distinct_count is exact up to <see cref="ExactDistinctLimit"/> distinct values; past
/// that the exact set is dropped for a HyperLogLog sketch (2^14 registers, about 0.8 % standard
/// error) and distinct_exact is false. Numbers compare by value (1 and 1.0 are one value),
/// strings by ordinal text, arrays and objects by their JSON text.</item>
/// <item>min/max: over the numbers when the field has any, else over the strings (ordinal).</item>
/// <item>The histogram (numeric values only) is equi-depth with up to
/// <see cref="HistogramBuckets"/> buckets: bucket i holds the values of rank
/// [i·N/B, (i+1)·N/B) and reports the largest as its upper bound. Bounds come from all values up
/// to <see cref="HistogramSample"/> numbers, beyond that from a uniform reservoir sample of that
/// size (sampled = true); counts are always exact rank counts.</item>
/// </list>
/// </remarks>
internal sealed class FieldStatsBuilder
{
    /// <summary>Distinct values counted exactly before switching to the sketch.</summary>
    public const int ExactDistinctLimit = 100_000;

    /// <summary>Buckets of a numeric histogram.</summary>
    public const int HistogramBuckets = 64;

    /// <summary>Numbers kept for the histogram bounds.</summary>
    public const int HistogramSample = 100_000;

    private const int SketchBits = 14;

    private readonly SortedSet<string> _types = new(StringComparer.Ordinal);
    private readonly List<double> _sample = [];
    private readonly Random _random = new(42);
    private HashSet<string>? _distinct = new(StringComparer.Ordinal);
    private byte[]? _sketch;
    private long _nonNull;
    private long _valueBytes;
    private long _nulls;
    private long _numbers;
    private double _numMin = double.PositiveInfinity;
    private double _numMax = double.NegativeInfinity;
    private bool _allIntegers = true;
    private string? _strMin;
    private string? _strMax;

    /// <summary>Adds one value of the field.</summary>
    public void Add(JsonElement value)
    {
        string key;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                _types.Add("null");
                _nulls++;
                return;
            case JsonValueKind.Number:
                var isInteger = value.TryGetInt64(out var l);
                var d = isInteger ? l : value.GetDouble();
                _types.Add(isInteger ? "integer" : "float");
                _allIntegers &= isInteger;
                AddNumber(d);
                key = isInteger ? "n" + l.ToString(CultureInfo.InvariantCulture) : d == Math.Floor(d) && Math.Abs(d) < 9e18 ? "n" + ((long)d).ToString(CultureInfo.InvariantCulture) : "n" + d.ToString("R", CultureInfo.InvariantCulture);
                break;
            case JsonValueKind.String:
                var s = value.GetString()!;
                _types.Add("string");
                if (_strMin is null || string.CompareOrdinal(s, _strMin) < 0)
                {
                    _strMin = s;
                }

                if (_strMax is null || string.CompareOrdinal(s, _strMax) > 0)
                {
                    _strMax = s;
                }

                key = "s" + s;
                break;
            case JsonValueKind.True or JsonValueKind.False:
                _types.Add("boolean");
                key = value.ValueKind == JsonValueKind.True ? "t" : "f";
                break;
            default:
                _types.Add(value.ValueKind == JsonValueKind.Array ? "array" : "object");
                key = "j" + value.GetRawText();
                break;
        }

        _nonNull++;
        _valueBytes += System.Text.Encoding.UTF8.GetByteCount(value.GetRawText());
        AddDistinct(key);
    }

    private void AddNumber(double d)
    {
        _numbers++;
        _numMin = Math.Min(_numMin, d);
        _numMax = Math.Max(_numMax, d);
        if (_sample.Count < HistogramSample)
        {
            _sample.Add(d);
        }
        else
        {
            // Reservoir sampling (Algorithm R): each number is kept with probability sample/seen.
            var slot = _random.NextInt64(_numbers);
            if (slot < HistogramSample)
            {
                _sample[(int)slot] = d;
            }
        }
    }

    private void AddDistinct(string key)
    {
        if (_distinct is not null)
        {
            _distinct.Add(key);
            if (_distinct.Count <= ExactDistinctLimit)
            {
                return;
            }

            _sketch = new byte[1 << SketchBits];
            foreach (var k in _distinct)
            {
                Sketch(k);
            }

            _distinct = null;
            return;
        }

        Sketch(key);
    }

    private void Sketch(string key)
    {
        var hash = Hash(key);
        var register = (int)(hash >> (64 - SketchBits));
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << SketchBits) | (1UL << (SketchBits - 1))) + 1);
        if (rank > _sketch![register])
        {
            _sketch[register] = rank;
        }
    }

    /// <summary>FNV-1a over the UTF-16 code units, then the SplitMix64 finaliser to spread the bits.</summary>
    private static ulong Hash(string key)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in key)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    private long DistinctCount()
    {
        if (_distinct is not null)
        {
            return _distinct.Count;
        }

        const int m = 1 << SketchBits;
        double sum = 0;
        var zeros = 0;
        foreach (var r in _sketch!)
        {
            sum += Math.Pow(2, -r);
            zeros += r == 0 ? 1 : 0;
        }

        var alpha = 0.7213 / (1 + (1.079 / m));
        var estimate = alpha * m * m / sum;
        if (estimate <= 2.5 * m && zeros > 0)
        {
            estimate = m * Math.Log((double)m / zeros);
        }

        return Math.Max(ExactDistinctLimit + 1L, (long)Math.Round(estimate));
    }

    /// <summary>The statistics of the values added so far.</summary>
    public FieldStatistics ToStatistics(string name) => new(
        name,
        [.. _types],
        _nonNull,
        _nulls,
        DistinctCount(),
        _distinct is not null,
        _numbers > 0 ? Number(_numMin) : _strMin is null ? null : String(_strMin),
        _numbers > 0 ? Number(_numMax) : _strMax is null ? null : String(_strMax),
        _nonNull == 0 ? 0 : (double)_valueBytes / _nonNull,
        _numbers > 0 ? Histogram() : null);

    private JsonElement Number(double d) =>
        _allIntegers && d >= long.MinValue && d <= long.MaxValue ? Element(w => w.WriteNumberValue((long)d)) : Element(w => w.WriteNumberValue(d));

    private static JsonElement String(string s) => Element(w => w.WriteStringValue(s));

    private static JsonElement Element(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private FieldHistogram Histogram()
    {
        _sample.Sort();
        var n = _sample.Count;
        var buckets = (int)Math.Min(HistogramBuckets, _numbers);
        var bounds = new JsonElement[buckets];
        var counts = new long[buckets];
        for (var b = 0; b < buckets; b++)
        {
            // Rank range of the bucket in the sample, and the same range over all numbers.
            var last = (int)(((long)(b + 1) * n / buckets) - 1);
            counts[b] = ((b + 1) * _numbers / buckets) - (b * _numbers / buckets);
            bounds[b] = b == buckets - 1 ? Number(_numMax) : Number(_sample[Math.Clamp(last, 0, n - 1)]);
        }

        return new FieldHistogram(bounds, counts, _numbers > n);
    }
}
