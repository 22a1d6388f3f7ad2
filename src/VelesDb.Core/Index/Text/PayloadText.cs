using System.Text;
using System.Text.Json;

namespace VelesDb.Core.Index.Text;

/// <summary>
/// The text a point contributes to the BM25 index: every string value of its payload.
/// </summary>
internal static class PayloadText
{
    /// <summary>
    /// All string values in <paramref name="payload"/>, recursively through objects and arrays in
    /// document order, joined by single spaces. Keys, numbers, booleans and nulls are not text; an
    /// undefined (absent) payload gives "".
    /// </summary>
    public static string Extract(JsonElement payload)
    {
        if (payload.ValueKind == JsonValueKind.String)
        {
            return payload.GetString()!;
        }

        var builder = new StringBuilder();
        var first = true;
        Append(payload, builder, ref first);
        return builder.ToString();
    }

    private static void Append(JsonElement element, StringBuilder builder, ref bool first)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!first)
                {
                    builder.Append(' ');
                }

                builder.Append(element.GetString());
                first = false;
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Append(property.Value, builder, ref first);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Append(item, builder, ref first);
                }

                break;
            default:
                break;
        }
    }
}
