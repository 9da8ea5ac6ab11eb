using System.Text;

namespace GraphGen.Imaging;

/// <summary>Makes arbitrary strings safe as XML character data and attribute values.</summary>
internal static class XmlText
{
    /// <summary>
    /// Escapes the five XML specials (&amp; &lt; &gt; " ') and replaces the characters XML 1.0
    /// forbids outright (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF; unpaired
    /// surrogates) with U+FFFD, so any title or series name yields a well-formed document.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        escaped.Append(c).Append(text[++i]);
                    else if (IsForbidden(c))
                        escaped.Append('\uFFFD');
                    else
                        escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }

    private static bool IsForbidden(char c) =>
        (c < 0x20 && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF';
}
