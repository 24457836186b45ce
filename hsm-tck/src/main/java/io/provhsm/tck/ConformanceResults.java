package io.provhsm.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.provhsm.Mechanism;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** What the kit recorded for one provider, rule by rule. Immutable. */
public final class ConformanceResults {
    private final String provider;
    private final List<RuleResult> results;
    private final boolean identityReplacementAllowed;

    ConformanceResults(String provider, List<RuleResult> results, boolean identityReplacementAllowed) {
        this.provider = provider;
        this.results = List.copyOf(results);
        this.identityReplacementAllowed = identityReplacementAllowed;
    }

    /** Whether the identity-replacing rules were allowed to run. */
    public boolean identityReplacementAllowed() {
        return identityReplacementAllowed;
    }

    public String provider() {
        return provider;
    }

    public List<RuleResult> results() {
        return results;
    }

    public Optional<RuleResult> result(String ruleId) {
        return results.stream().filter(r -> r.ruleId().equals(ruleId)).findFirst();
    }

    /** Every FAIL, required or not. */
    public List<RuleResult> failures() {
        return results.stream().filter(RuleResult::failed).collect(Collectors.toList());
    }

    public long count(Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** True when no required rule failed. */
    public boolean conformant() {
        return results.stream().noneMatch(r -> r.failed() && r.required());
    }

    /** Throws an AssertionError listing every failed required rule. */
    public void assertConformant() {
        if (!conformant()) {
            throw new AssertionError("provider '" + provider + "' is not conformant:\n" + failures().stream()
                    .filter(RuleResult::required).map(RuleResult::line).collect(Collectors.joining("\n")));
        }
    }

    /**
     * The readable report: one line per rule, grouped by mechanism and suite, then a summary. A mechanism
     * the provider does not serve takes one line.
     */
    public String report() {
        StringBuilder text = new StringBuilder("provhsm conformance kit: provider '" + provider + "'\n");
        long skippedToKeepIdentity = results.stream().filter(r -> r.reason().equals(ConformanceKit.REPLACES_IDENTITY)).count();
        if (skippedToKeepIdentity > 0) {
            text.append("identity kept: ").append(skippedToKeepIdentity).append(" rules not run (NOT_APPLICABLE): ")
                    .append(ConformanceKit.REPLACES_IDENTITY).append('\n');
        } else if (identityReplacementAllowed) {
            text.append("identity replacement allowed: rules that apply installed kit identities on the device\n");
        }
        Map<Mechanism, List<RuleResult>> byMechanism = new EnumMap<>(Mechanism.class);
        results.forEach(r -> byMechanism.computeIfAbsent(r.mechanism(), m -> new ArrayList<>()).add(r));
        byMechanism.forEach((mechanism, rules) -> {
            String label = Rule.mechanismLabel(mechanism);
            boolean served = rules.stream().anyMatch(r -> r.outcome() != Outcome.NOT_APPLICABLE)
                    || rules.stream().map(RuleResult::reason).distinct().count() > 1;
            if (!served) {
                text.append('\n').append(label).append(": ").append(rules.size()).append(" rules not applicable (")
                        .append(rules.get(0).reason()).append(")\n");
                return;
            }
            Suite suite = null;
            for (RuleResult result : rules) {
                if (result.suite() != suite) {
                    suite = result.suite();
                    text.append('\n').append(label).append(' ').append(suite.label()).append('\n');
                }
                text.append("  ").append(result.line()).append('\n');
            }
        });
        text.append('\n').append(summary()).append('\n');
        return text.toString();
    }

    /** {@code 17 passed, 1 failed, 7 not applicable: NOT CONFORMANT}. */
    public String summary() {
        return count(Outcome.PASS) + " passed, " + count(Outcome.FAIL) + " failed, " + count(Outcome.NOT_APPLICABLE)
                + " not applicable: " + (conformant() ? "CONFORMANT" : "NOT CONFORMANT");
    }

    /** JUnit XML (the Ant/Surefire format CI servers read): one testsuite, one testcase per rule. */
    public String junitXml() {
        Duration total = results.stream().map(RuleResult::duration).reduce(Duration.ZERO, Duration::plus);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"provhsm-tck.").append(escape(provider)).append("\" tests=\"").append(results.size())
                .append("\" failures=\"").append(count(Outcome.FAIL)).append("\" errors=\"0\" skipped=\"")
                .append(count(Outcome.NOT_APPLICABLE)).append("\" time=\"").append(seconds(total)).append("\">\n");
        for (RuleResult result : results) {
            xml.append("  <testcase classname=\"provhsm-tck.").append(escape(provider)).append('.')
                    .append(Rule.mechanismLabel(result.mechanism())).append('.').append(result.suite().label())
                    .append("\" name=\"").append(escape(result.ruleId())).append("\" time=\"").append(seconds(result.duration())).append('"');
            switch (result.outcome()) {
                case PASS -> xml.append("/>\n");
                case FAIL -> xml.append(">\n    <failure message=\"").append(escape(result.reason())).append("\" type=\"")
                        .append(result.required() ? "required" : "optional").append("\">").append(escape(result.ruleId() + ": "
                        + result.reason())).append("</failure>\n  </testcase>\n");
                case NOT_APPLICABLE -> xml.append(">\n    <skipped message=\"").append(escape(result.reason()))
                        .append("\"/>\n  </testcase>\n");
            }
        }
        xml.append("</testsuite>\n");
        return xml.toString();
    }

    public void writeJunitXml(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, junitXml(), StandardCharsets.UTF_8);
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append('?');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ConformanceResults[" + provider + ": " + summary() + "]";
    }
}
