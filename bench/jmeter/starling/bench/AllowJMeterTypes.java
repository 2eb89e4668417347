// Debian's JMeter 2.13 runs on Debian's newer XStream (1.4.18 and later),
// which reads no type it was not told to allow; JMeter 2.13 predates that
// and allows none, so it cannot load a test plan (ForbiddenClassException:
// org.apache.jmeter.save.ScriptWrapper) and no property or flag of either
// opens it. JMeter builds every converter named in saveservice.properties
// with each of its two XStream instances' mappers (plans and results) before
// it reads a plan: run.sh names this class there (-Jsaveservice_properties)
// and puts it on JMeter's class path (-Juser.classpath), and its constructor
// allows JMeter's own types, and the Java ones its plans and results hold,
// on that mapper. It converts nothing itself.
package starling.bench;

import com.thoughtworks.xstream.converters.Converter;
import com.thoughtworks.xstream.converters.MarshallingContext;
import com.thoughtworks.xstream.converters.UnmarshallingContext;
import com.thoughtworks.xstream.io.HierarchicalStreamReader;
import com.thoughtworks.xstream.io.HierarchicalStreamWriter;
import com.thoughtworks.xstream.mapper.Mapper;
import com.thoughtworks.xstream.mapper.SecurityMapper;
import com.thoughtworks.xstream.security.WildcardTypePermission;

public final class AllowJMeterTypes implements Converter {
    private static final String[] ALLOWED = {
        "org.apache.jmeter.**", "org.apache.jorphan.**", "java.lang.**", "java.util.**",
    };

    public AllowJMeterTypes(Mapper mapper) {
        Mapper security = mapper.lookupMapperOfType(SecurityMapper.class);
        if (security instanceof SecurityMapper) {
            ((SecurityMapper) security).addPermission(new WildcardTypePermission(ALLOWED));
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean canConvert(Class type) {
        return false;
    }

    @Override
    public void marshal(Object source, HierarchicalStreamWriter writer, MarshallingContext context) {
        throw new UnsupportedOperationException("AllowJMeterTypes converts nothing");
    }

    @Override
    public Object unmarshal(HierarchicalStreamReader reader, UnmarshallingContext context) {
        throw new UnsupportedOperationException("AllowJMeterTypes converts nothing");
    }
}
