using System.Text;
using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Filtering;

/// <summary>
/// A dot path into a payload (<c>author.name</c>), split and UTF-8 encoded once so that resolving
/// it per point is a chain of allocation-free <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>
/// calls. There is no implicit <c>payload.</c> prefix and no array indexing: a segment that meets a
/// non-object, or a key that is absent, makes the field "missing".
/// </summary>
internal sealed class FieldPath
{
    private readonly byte[][] _segments;

    private FieldPath(string text, byte[][] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Returns null when <paramref name="field"/> is a usable path, else why it is not.</summary>
    public static string? Validate(string field)
    {
        if (field.Length == 0)
        {
            return "expected a non-empty string";
        }

        var segmentStart = 0;
        for (var i = 0; i <= field.Length; i++)
        {
            if (i == field.Length || field[i] == '.')
            {
                if (i == segmentStart)
                {
                    return $"field path '{field}' has an empty segment";
                }

                segmentStart = i + 1;
            }
        }

        return null;
    }

    /// <summary>Builds a path, throwing <see cref="VelesDbErrorCode.Query"/> when it is unusable.</summary>
    public static FieldPath Create(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var error = Validate(field);
        if (error is not null)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Query, "field: " + error);
        }

        var parts = field.Split('.');
        var segments = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++)
        {
            segments[i] = Encoding.UTF8.GetBytes(parts[i]);
        }

        return new FieldPath(field, segments);
    }

    /// <summary>Finds the value at this path; false when the field is missing.</summary>
    public bool TryResolve(JsonElement payload, out JsonElement value)
    {
        var current = payload;
        foreach (var segment in _segments)
        {
            // Also covers a point without payload (ValueKind Undefined), on which TryGetProperty would throw.
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                value = default;
                return false;
            }
        }

        value = current;
        return true;
    }
}
