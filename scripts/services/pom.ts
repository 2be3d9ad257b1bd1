/** A throwaway Maven project whose only job is to let `mvn` resolve artifacts (pure). */

/** Maven coordinates of one dependency. */
export interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
  type?: string;
  classifier?: string;
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]);
}

const COORDINATE = /^[A-Za-z0-9_.\-]+$/;

function checked(field: string, value: string, where: string): string {
  if (!COORDINATE.test(value)) {
    throw new Error(`pom: ${where} has an invalid ${field} "${value}"`);
  }
  return xml(value);
}

/** The `group:artifact:version[:type[:classifier]]` form `mvn -Dartifact=` takes. */
export function artifactSpec(c: Coordinates): string {
  const parts = [c.groupId, c.artifactId, c.version];
  if (c.type || c.classifier) parts.push(c.type ?? "jar");
  if (c.classifier) parts.push(c.classifier);
  return parts.join(":");
}

/** A `pom.xml` of packaging `pom` depending on `dependencies`. Throws on a malformed coordinate. */
export function dependencyPom(
  self: Coordinates,
  dependencies: readonly Coordinates[],
): string {
  const dep = (c: Coordinates) => {
    const where = `${c.groupId}:${c.artifactId}`;
    const lines = [
      "    <dependency>",
      `      <groupId>${checked("groupId", c.groupId, where)}</groupId>`,
      `      <artifactId>${checked("artifactId", c.artifactId, where)}</artifactId>`,
      `      <version>${checked("version", c.version, where)}</version>`,
    ];
    if (c.type) lines.push(`      <type>${checked("type", c.type, where)}</type>`);
    if (c.classifier) {
      lines.push(`      <classifier>${checked("classifier", c.classifier, where)}</classifier>`);
    }
    lines.push("    </dependency>");
    return lines.join("\n");
  };
  const where = "the project";
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${checked("groupId", self.groupId, where)}</groupId>
  <artifactId>${checked("artifactId", self.artifactId, where)}</artifactId>
  <version>${checked("version", self.version, where)}</version>
  <packaging>pom</packaging>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
${dependencies.map(dep).join("\n")}
  </dependencies>
</project>
`;
}
