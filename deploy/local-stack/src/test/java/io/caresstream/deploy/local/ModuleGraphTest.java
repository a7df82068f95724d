package io.caresstream.deploy.local;

import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No module depends on a service module, in any scope, optional or not. The Maven enforcer checks the
 * resolved graph at every build but skips optional dependencies (the way mitigation once reached into the
 * prompt-generator); this reads every module's own declarations.
 */
class ModuleGraphTest {

    private static final Path ROOT = TestInfrastructure.projectRoot();

    @Test
    void noModuleDependsOnAService() throws Exception {
        List<String> modules = children(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "modules", "module");
        // Services are the Quarkus applications at the top level; deploy/ holds servers for tests and local runs.
        Set<String> services = new TreeSet<>();
        for (String module : modules) {
            Document pom = pom(ROOT.resolve(module).resolve("pom.xml"));
            if (!module.startsWith("deploy/") && Files.readString(ROOT.resolve(module).resolve("pom.xml"))
                    .contains("<artifactId>quarkus-maven-plugin</artifactId>")) {
                services.add(text(pom.getDocumentElement(), "artifactId"));
            }
        }
        assertEquals(Set.of("prompt-generator", "model-invoker", "judge-service", "scorer-service"), services);

        List<String> edges = new ArrayList<>();
        for (String module : modules) {
            Element project = pom(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
            for (Element dependency : elements(project, "dependencies", "dependency")) {
                String artifact = text(dependency, "artifactId");
                if (text(dependency, "groupId").startsWith("io.caresstream") && services.contains(artifact)) {
                    edges.add(module + " -> " + artifact);
                }
            }
        }
        assertTrue(edges.isEmpty(), "modules depending on a service (move the shared code into a library): " + edges);
    }

    private static Document pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    /** The elements named child inside the project's own element named parent (not its profiles or plugins). */
    private static List<Element> elements(Element project, String parent, String child) {
        List<Element> found = new ArrayList<>();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(parent)) {
                NodeList items = e.getElementsByTagName(child);
                for (int i = 0; i < items.getLength(); i++) {
                    found.add((Element) items.item(i));
                }
            }
        }
        return found;
    }

    private static List<String> children(Element project, String parent, String child) {
        return elements(project, parent, child).stream().map(e -> e.getTextContent().trim()).toList();
    }

    private static String text(Element element, String child) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(child)) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }
}
