using System;
using System.Text;
using System.Text.RegularExpressions;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The rules every cmdlet applies to its parameters before any request: a value is taken exactly as given (never
    /// trimmed, so "value\n" from a file or a here-string is refused rather than read as another value), an explicit
    /// $null or empty string is refused rather than read as "use the default", and numbers must be finite. Each
    /// refusal is an <see cref="InvalidDeploymentInputException"/> naming the parameter.
    /// </summary>
    public static class ParameterChecks
    {
        /// <summary>
        /// A regular expression that must match the whole value: <c>\A</c> and <c>\z</c>, because <c>$</c> also matches
        /// before a final line feed ("my-project\n" would pass <c>^[a-z-]+$</c>).
        /// </summary>
        public static Regex WholeValue(string pattern, RegexOptions options = RegexOptions.None) =>
            new Regex(@"\A(?:" + pattern + @")\z", options | RegexOptions.CultureInvariant);

        /// <summary>The value as given; refused when $null, empty, blank, or with whitespace around it.</summary>
        public static string Exact(string parameter, string? value)
        {
            if (value == null)
            {
                throw new InvalidDeploymentInputException(parameter, "$null was given. Pass a value, or leave the parameter out for its default.");
            }
            if (value.Trim().Length == 0)
            {
                throw new InvalidDeploymentInputException(parameter,
                    (value.Length == 0 ? "an empty value was given" : $"'{Shown(value)}' is blank") + ". Pass a value, or leave the parameter out for its default.");
            }
            if (value.Trim().Length != value.Length)
            {
                throw new InvalidDeploymentInputException(parameter,
                    $"'{Shown(value)}' has spaces, tabs or line breaks around it. Pass '{Shown(value.Trim())}' without them: values are used exactly as given.");
            }
            return value;
        }

        /// <summary>Null when not given (null); otherwise <see cref="Exact"/>.</summary>
        public static string? Optional(string parameter, string? value) => value == null ? null : Exact(parameter, value);

        /// <summary>The value when it is a finite number: NaN and infinities are refused.</summary>
        public static double Finite(string parameter, double value) =>
            double.IsNaN(value) || double.IsInfinity(value)
                ? throw new InvalidDeploymentInputException(parameter, $"{value} is not a finite number. Pass a number such as 1, 2 or 6.5.")
                : value;

        /// <summary>The value when it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
        public static int InRange(string parameter, int value, int min, int max, string meaning) =>
            value < min || value > max
                ? throw new InvalidDeploymentInputException(parameter, $"{value} is out of range: {meaning} {min} to {max}.")
                : value;

        /// <summary>A value for an error message, line breaks and tabs written as \n, \r and \t so they can be seen.</summary>
        public static string Shown(string value)
        {
            var text = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    default: text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()); break;
                }
            }
            return text.ToString();
        }
    }
}
