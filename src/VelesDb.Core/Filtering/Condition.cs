using System.Buffers;
using System.Text;
using System.Text.Json;

namespace VelesDb.Core.Filtering;

/// <summary>
/// One node of a filter: a test on a payload. Concrete conditions mirror the JSON tags of
/// docs/FILTERS.md (<c>eq</c>, <c>and</c>, <c>like</c>, …). Conditions are immutable and
/// <see cref="Matches"/> is safe to call from many threads at once.
/// </summary>
/// <remarks>
/// Everything a condition needs per point (split field paths, decoded literals, compiled
/// patterns) is prepared when it is built, so <see cref="Matches"/> does not allocate for
/// comparisons, membership and pattern tests on numbers and strings.
/// Equality is structural: two conditions are equal when they serialize to the same filter
/// (literal numbers compare by value, so <c>1</c> equals <c>1.0</c>).
/// </remarks>
public abstract class Condition : IEquatable<Condition>
{
    private protected Condition(int depth)
    {
        Depth = depth;
    }

    /// <summary>The JSON tag (the <c>type</c> property), e.g. <c>eq</c> or <c>array_contains_any</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Nesting depth: 1 for a leaf, one more than the deepest child for <c>and</c>/<c>or</c>/<c>not</c>.</summary>
    internal int Depth { get; }

    /// <summary>Tests a payload. A point without payload is <c>default(JsonElement)</c> and has no fields.</summary>
    /// <param name="payload">The point payload, usually an object.</param>
    /// <returns>True when the payload satisfies the condition.</returns>
    public abstract bool Matches(JsonElement payload);

    /// <summary>The condition as compact JSON (<c>{"type":…}</c>), without the <c>{"condition":…}</c> wrapper.</summary>
    public string ToJson() => JsonText.Write(this, static (writer, condition) => condition.WriteTo(writer));

    /// <inheritdoc />
    public abstract bool Equals(Condition? other);

    /// <inheritdoc />
    public sealed override bool Equals(object? obj) => obj is Condition other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>The condition as JSON, see <see cref="ToJson"/>.</summary>
    public sealed override string ToString() => ToJson();

    /// <summary>Writes the condition object.</summary>
    internal abstract void WriteTo(Utf8JsonWriter writer);
}

/// <summary>A condition on one payload field, addressed by a dot path such as <c>author.name</c>.</summary>
/// <remarks>
/// There is no implicit <c>payload.</c> prefix and no array indexing. A path segment that meets a
/// non-object, or a key that is absent, makes the field missing; each condition documents what a
/// missing field means for it.
/// </remarks>
public abstract class FieldCondition : Condition
{
    private protected FieldCondition(FieldPath path)
        : base(1)
    {
        Path = path;
    }

    /// <summary>The dot path of the field.</summary>
    public string Field => Path.Text;

    internal FieldPath Path { get; }

    private protected bool SameTypeAndField(FieldCondition other) =>
        other.GetType() == GetType() && string.Equals(Field, other.Field, StringComparison.Ordinal);

    private protected void WriteHead(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(ConditionTypes.TypeProperty, Type);
        writer.WriteString(ConditionTypes.FieldProperty, Field);
    }
}

/// <summary>JSON text helpers shared by <see cref="Condition"/> and <see cref="Filter"/>.</summary>
internal static class JsonText
{
    public static string Write<T>(T state, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
