using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace VethExporter.Tests.Deploy;

/// <summary>YAML documents as plain trees (maps, lists, strings) with path lookups for assertions.</summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static List<object?> LoadAll(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var documents = new List<object?>();
        while (parser.Accept<DocumentStart>(out _)) documents.Add(Deserializer.Deserialize<object?>(parser));
        return documents;
    }

    public static object? Load(string path)
    {
        var documents = LoadAll(path);
        Assert.True(documents.Count == 1, $"{path}: expected one YAML document, found {documents.Count}");
        return documents[0];
    }

    public static object? LoadText(string text) => Deserializer.Deserialize<object?>(text);

    /// <summary>The node at a path of map keys (strings) and list indices (ints); null when absent.</summary>
    public static object? At(this object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (IDictionary<object, object?> map, string key) => map.TryGetValue(key, out var value) ? value : null,
                (IList<object?> list, int index) => index < list.Count ? list[index] : null,
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    public static string? Text(this object? node, params object[] path) => node.At(path) as string;

    public static List<object?> Items(this object? node, params object[] path) => node.At(path) as List<object?> ?? [];

    public static List<string> Texts(this object? node, params object[] path) => node.Items(path).Select(i => (string)i!).ToList();

    public static IDictionary<object, object?> Map(this object? node, params object[] path) =>
        node.At(path) as IDictionary<object, object?> ?? new Dictionary<object, object?>();

    /// <summary>Structural equality of two trees; the first difference as a path, or null.</summary>
    public static string? Difference(object? a, object? b, string where = "")
    {
        switch (a, b)
        {
            case (IDictionary<object, object?> x, IDictionary<object, object?> y):
                foreach (var key in x.Keys.Union(y.Keys))
                {
                    if (!x.TryGetValue(key, out var left) || !y.TryGetValue(key, out var right)) return $"{where}.{key}: only on one side";
                    if (Difference(left, right, $"{where}.{key}") is { } d) return d;
                }
                return null;
            case (IList<object?> x, IList<object?> y):
                if (x.Count != y.Count) return $"{where}: {x.Count} items against {y.Count}";
                for (int i = 0; i < x.Count; i++)
                    if (Difference(x[i], y[i], $"{where}[{i}]") is { } d) return d;
                return null;
            default:
                return Equals(a, b) ? null : $"{where}: \"{a}\" against \"{b}\"";
        }
    }
}
