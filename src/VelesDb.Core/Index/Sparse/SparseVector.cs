using System.Globalization;
using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Index.Sparse;

/// <summary>
/// A sparse vector: non-zero weights at sorted, unique <c>u32</c> dimensions. Similarity between
/// sparse vectors is the inner product over the dimensions they share (higher is better).
/// </summary>
/// <remarks>
/// Build one with <see cref="Create"/> or <see cref="FromDictionary"/>, which normalise the input:
/// pairs sorted by index, duplicate indices summed (in input order), zero weights dropped (after
/// summing). The arrays behind <see cref="Indices"/> and <see cref="Values"/> belong to the vector
/// and must not be modified.
/// </remarks>
public sealed class SparseVector
{
    /// <summary>The most non-zero entries a sparse vector may hold.</summary>
    public const int MaxNonZeros = 65_536;

    internal SparseVector(uint[] indices, float[] values)
    {
        Indices = indices;
        Values = values;
    }

    /// <summary>An empty vector (no non-zero entry).</summary>
    public static SparseVector Empty { get; } = new([], []);

    /// <summary>The dimensions with a non-zero weight, strictly ascending.</summary>
    public uint[] Indices { get; }

    /// <summary>The weights, parallel to <see cref="Indices"/>; finite and non-zero.</summary>
    public float[] Values { get; }

    /// <summary>The number of non-zero entries.</summary>
    public int Count => Indices.Length;

    /// <summary>
    /// Builds a normalised vector from parallel arrays. Throws <see cref="VelesDbException"/> with
    /// <see cref="VelesDbErrorCode.InvalidVector"/> when the lengths differ or a weight (or a sum of
    /// duplicate weights) is not finite, and <see cref="VelesDbErrorCode.GuardRail"/> when more than
    /// <see cref="MaxNonZeros"/> entries remain after normalisation.
    /// </summary>
    public static SparseVector Create(ReadOnlySpan<uint> indices, ReadOnlySpan<float> values)
    {
        if (indices.Length != values.Length)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.InvalidVector,
                $"Sparse vector has {indices.Length} indices but {values.Length} values.");
        }

        var sorted = true;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                ThrowHelper.Throw(
                    VelesDbErrorCode.InvalidVector,
                    $"Sparse vector weight at position {i} (index {indices[i]}) is not finite.");
            }

            sorted &= values[i] != 0 && (i == 0 || indices[i] > indices[i - 1]);
        }

        if (sorted)
        {
            CheckCount(indices.Length);
            return new SparseVector(indices.ToArray(), values.ToArray());
        }

        // Sort (index, position) keys so duplicates are summed in input order, deterministically.
        var keys = new ulong[indices.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ((ulong)indices[i] << 32) | (uint)i;
        }

        Array.Sort(keys);
        var outIndices = new uint[keys.Length];
        var outValues = new float[keys.Length];
        var count = 0;
        var at = 0;
        while (at < keys.Length)
        {
            var index = (uint)(keys[at] >> 32);
            var sum = 0f;
            for (; at < keys.Length && (uint)(keys[at] >> 32) == index; at++)
            {
                sum += values[(int)(uint)keys[at]];
            }

            if (!float.IsFinite(sum))
            {
                ThrowHelper.Throw(
                    VelesDbErrorCode.InvalidVector,
                    $"Sparse vector weights at index {index} sum to a non-finite value.");
            }

            if (sum != 0)
            {
                outIndices[count] = index;
                outValues[count] = sum;
                count++;
            }
        }

        CheckCount(count);
        if (count != keys.Length)
        {
            Array.Resize(ref outIndices, count);
            Array.Resize(ref outValues, count);
        }

        return new SparseVector(outIndices, outValues);
    }

    /// <summary>Builds a normalised vector from index → weight pairs (zero weights dropped); same checks as <see cref="Create"/>.</summary>
    public static SparseVector FromDictionary(IReadOnlyDictionary<uint, float> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var indices = new uint[weights.Count];
        var values = new float[weights.Count];
        var i = 0;
        foreach (var (index, value) in weights)
        {
            indices[i] = index;
            values[i] = value;
            i++;
        }

        return Create(indices, values);
    }

    /// <summary>
    /// The inner product with <paramref name="other"/> over the shared indices, summed in float in
    /// ascending index order (the order the sparse index uses, so scores match exactly).
    /// </summary>
    public float Dot(SparseVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = Indices;
        var b = other.Indices;
        var sum = 0f;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] < b[j])
            {
                i++;
            }
            else if (a[i] > b[j])
            {
                j++;
            }
            else
            {
                sum += Values[i] * other.Values[j];
                i++;
                j++;
            }
        }

        return sum;
    }

    private static void CheckCount(int count)
    {
        if (count > MaxNonZeros)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.GuardRail,
                $"Sparse vector has {count} non-zero entries; the limit is {MaxNonZeros}.");
        }
    }

    /// <summary>
    /// Reads a sparse vector from JSON: <c>{"indices": [1, 7], "values": [0.5, 0.2]}</c> or
    /// <c>{"1": 0.5, "7": 0.2}</c> (the REST and VelesQL parameter forms). Never throws: on bad input it
    /// returns false with a message saying what is wrong and which shapes are accepted.
    /// </summary>
    public static bool TryFromJson(JsonElement json, out SparseVector? sparse, out string message)
    {
        sparse = null;
        message = string.Empty;
        const string Shape = " Hint: send {\"indices\": [1, 7], \"values\": [0.5, 0.2]} or {\"1\": 0.5, \"7\": 0.2}.";
        if (json.ValueKind != JsonValueKind.Object)
        {
            message = "Invalid sparse vector: expected an object." + Shape;
            return false;
        }

        try
        {
            if (json.TryGetProperty("indices", out var indicesJson) && json.TryGetProperty("values", out var valuesJson))
            {
                if (indicesJson.ValueKind != JsonValueKind.Array || valuesJson.ValueKind != JsonValueKind.Array)
                {
                    message = "Invalid sparse vector: indices and values must be arrays." + Shape;
                    return false;
                }

                var indices = new List<uint>();
                foreach (var item in indicesJson.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt32(out var index))
                    {
                        message = "Invalid sparse vector: indices must be integers in 0..4294967295." + Shape;
                        return false;
                    }

                    indices.Add(index);
                }

                var values = new List<float>();
                foreach (var item in valuesJson.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Number)
                    {
                        message = "Invalid sparse vector: values must be numbers." + Shape;
                        return false;
                    }

                    values.Add(item.GetSingle());
                }

                sparse = SparseVector.Create([.. indices], [.. values]);
                return true;
            }

            var weights = new Dictionary<uint, float>();
            foreach (var property in json.EnumerateObject())
            {
                if (!uint.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || property.Value.ValueKind != JsonValueKind.Number)
                {
                    message = $"Invalid sparse vector: key '{property.Name}' must be an index in 0..4294967295 with a number weight." + Shape;
                    return false;
                }

                weights[index] = property.Value.GetSingle();
            }

            sparse = SparseVector.FromDictionary(weights);
            return true;
        }
        catch (VelesDbException e)
        {
            message = "Invalid sparse vector: " + e.Message + Shape;
            return false;
        }
    }
}
