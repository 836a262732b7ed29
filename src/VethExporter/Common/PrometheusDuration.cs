using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace VethExporter.Common;

/// <summary>Durations as Prometheus writes them: a sequence of number+unit, largest unit first (1h30m, 10m, 0s, 500ms).</summary>
public static class PrometheusDuration
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
    [
        ("y", TimeSpan.FromDays(365)),
        ("w", TimeSpan.FromDays(7)),
        ("d", TimeSpan.FromDays(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    public static bool TryParse(string text, [NotNullWhen(true)] out TimeSpan? duration)
    {
        duration = null;
        if (string.IsNullOrEmpty(text)) return false;
        if (text == "0")
        {
            duration = TimeSpan.Zero;
            return true;
        }

        var total = TimeSpan.Zero;
        int position = 0, lastRank = -1;
        while (position < text.Length)
        {
            int digitsStart = position;
            while (position < text.Length && char.IsAsciiDigit(text[position])) position++;
            if (position == digitsStart || !long.TryParse(text.AsSpan(digitsStart, position - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
                return false;

            int rank = UnitAt(text, position);
            if (rank < 0 || rank <= lastRank) return false; // unknown unit, or units out of order
            lastRank = rank;
            position += Units[rank].Unit.Length;
            try
            {
                total = checked(total + Units[rank].Size * amount);
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        duration = total;
        return true;
    }

    /// <summary>Searches from the last unit so that "ms" wins over "m".</summary>
    private static int UnitAt(string text, int position)
    {
        for (int rank = Units.Length - 1; rank >= 0; rank--)
        {
            if (text.AsSpan(position).StartsWith(Units[rank].Unit, StringComparison.Ordinal)) return rank;
        }
        return -1;
    }

    /// <summary>Formats the way Prometheus does: 1h30m, 10m, 0s.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var text = new StringBuilder();
        var rest = duration;
        foreach (var (unit, size) in Units)
        {
            long count = rest.Ticks / size.Ticks;
            if (count == 0) continue;
            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
            rest -= size * count;
        }
        return text.ToString();
    }
}
