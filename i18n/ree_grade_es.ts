<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
  <context>
    <name>REEGradeProvider</name>
    <message>
      <source>REE Grade Estimation</source>
      <translation>Estimación de leyes de tierras raras</translation>
    </message>
  </context>
  <context>
    <name>REEGradeAlgorithm</name>
    <message>
      <source>Data preparation</source>
      <translation>Preparación de datos</translation>
    </message>
    <message>
      <source>Features</source>
      <translation>Atributos</translation>
    </message>
    <message>
      <source>Estimation</source>
      <translation>Estimación</translation>
    </message>
    <message>
      <source>Validation</source>
      <translation>Validación</translation>
    </message>
    <message>
      <source>Workflow</source>
      <translation>Flujo de trabajo</translation>
    </message>
  </context>
  <context>
    <name>BoxCoxAlgorithm</name>
    <message>
      <source>Box-Cox transform</source>
      <translation>Transformación de Box-Cox</translation>
    </message>
    <message>
      <source>Input layer</source>
      <translation>Capa de entrada</translation>
    </message>
    <message>
      <source>Fields to transform</source>
      <translation>Campos a transformar</translation>
    </message>
    <message>
      <source>Shift added before the transform</source>
      <translation>Desplazamiento sumado antes de la transformación</translation>
    </message>
    <message>
      <source>Automatic shift for fields with zeros</source>
      <translation>Desplazamiento automático para campos con ceros</translation>
    </message>
    <message>
      <source>Negative numbers are below-detection results (-0.5 means &lt;0.5)</source>
      <translation>Los números negativos son resultados bajo el límite de detección (-0.5 significa &lt;0.5)</translation>
    </message>
    <message>
      <source>Saved parameter file (apply instead of fitting)</source>
      <translation>Archivo de parámetros guardado (aplicar en lugar de ajustar)</translation>
    </message>
    <message>
      <source>Inverse (back-transform bc_ fields)</source>
      <translation>Inversa (retransformar los campos bc_)</translation>
    </message>
    <message>
      <source>Parameter file</source>
      <translation>Archivo de parámetros</translation>
    </message>
    <message>
      <source>Layer with Box-Cox fields (bc_)</source>
      <translation>Capa con campos Box-Cox (bc_)</translation>
    </message>
  </context>
  <context>
    <name>ClassifyAlgorithm</name>
    <message>
      <source>Classify resources (Measured / Indicated / Inferred)</source>
      <translation>Clasificar recursos (medidos / indicados / inferidos)</translation>
    </message>
    <message>
      <source>Estimated blocks</source>
      <translation>Bloques estimados</translation>
    </message>
    <message>
      <source>Slope of regression field (e.g. ok_slope)</source>
      <translation>Campo de pendiente de regresión (p. ej. ok_slope)</translation>
    </message>
    <message>
      <source>Estimate (mean) field</source>
      <translation>Campo de la estimación (media)</translation>
    </message>
    <message>
      <source>Uncertainty field</source>
      <translation>Campo de incertidumbre</translation>
    </message>
    <message>
      <source>Uncertainty field is</source>
      <translation>El campo de incertidumbre es</translation>
    </message>
    <message>
      <source>Drillhole samples</source>
      <translation>Muestras de sondajes</translation>
    </message>
    <message>
      <source>Hole id field</source>
      <translation>Campo de ID del sondaje</translation>
    </message>
    <message>
      <source>Measured: drillholes</source>
      <translation>Medido: sondajes</translation>
    </message>
    <message>
      <source>Indicated: drillholes</source>
      <translation>Indicado: sondajes</translation>
    </message>
    <message>
      <source>Inferred: drillholes</source>
      <translation>Inferido: sondajes</translation>
    </message>
    <message>
      <source>Measured: search radius (m)</source>
      <translation>Medido: radio de búsqueda (m)</translation>
    </message>
    <message>
      <source>Indicated: search radius (m)</source>
      <translation>Indicado: radio de búsqueda (m)</translation>
    </message>
    <message>
      <source>Inferred: search radius (m)</source>
      <translation>Inferido: radio de búsqueda (m)</translation>
    </message>
    <message>
      <source>Measured: minimum slope of regression</source>
      <translation>Medido: pendiente de regresión mínima</translation>
    </message>
    <message>
      <source>Indicated: minimum slope of regression</source>
      <translation>Indicado: pendiente de regresión mínima</translation>
    </message>
    <message>
      <source>Measured: maximum sd / mean (0 = not used)</source>
      <translation>Medido: máximo de desv. est. / media (0 = sin usar)</translation>
    </message>
    <message>
      <source>Indicated: maximum sd / mean (0 = not used)</source>
      <translation>Indicado: máximo de desv. est. / media (0 = sin usar)</translation>
    </message>
    <message>
      <source>Classified blocks</source>
      <translation>Bloques clasificados</translation>
    </message>
  </context>
  <context>
    <name>CompositeAlgorithm</name>
    <message>
      <source>Composite drillhole samples</source>
      <translation>Compositar muestras de sondajes</translation>
    </message>
    <message>
      <source>Samples (desurveyed points or intervals)</source>
      <translation>Muestras (puntos o intervalos con trayectoria calculada)</translation>
    </message>
    <message>
      <source>Hole id field</source>
      <translation>Campo de ID del sondaje</translation>
    </message>
    <message>
      <source>From field</source>
      <translation>Campo Desde</translation>
    </message>
    <message>
      <source>To field</source>
      <translation>Campo Hasta</translation>
    </message>
    <message>
      <source>Domain field</source>
      <translation>Campo de dominio de estimación</translation>
    </message>
    <message>
      <source>Fields to composite (all numeric when empty)</source>
      <translation>Campos a compositar (todos los numéricos si está vacío)</translation>
    </message>
    <message>
      <source>Composite length (m)</source>
      <translation>Longitud del compósito (m)</translation>
    </message>
    <message>
      <source>Residual end piece</source>
      <translation>Tramo residual final</translation>
    </message>
    <message>
      <source>Residual threshold (% of length)</source>
      <translation>Umbral del tramo residual (% de la longitud)</translation>
    </message>
    <message>
      <source>Minimum coverage (%)</source>
      <translation>Cobertura mínima (%)</translation>
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation>Los valores bajo el límite de detección pasan a</translation>
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation>Códigos de valor faltante</translation>
    </message>
    <message>
      <source>Composites</source>
      <translation>Compósitos</translation>
    </message>
  </context>
  <context>
    <name>CrossValidateAlgorithm</name>
    <message>
      <source>Cross-validate estimators</source>
      <translation>Validación cruzada de estimadores</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>Muestras (puntos)</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Covariate fields</source>
      <translation>Campos de covariables</translation>
    </message>
    <message>
      <source>Categorical fields (one-hot encoded)</source>
      <translation>Campos categóricos (codificación one-hot)</translation>
    </message>
    <message>
      <source>Logged domain fields, samples only (bnn; e.g. log_lith)</source>
      <translation>Campos de dominio registrados, solo en las muestras (bnn; p. ej. log_lith)</translation>
    </message>
    <message>
      <source>Hole id field</source>
      <translation>Campo de ID del sondaje</translation>
    </message>
    <message>
      <source>Methods</source>
      <translation>Métodos</translation>
    </message>
    <message>
      <source>Folds</source>
      <translation>Particiones (folds)</translation>
    </message>
    <message>
      <source>Scheme</source>
      <translation>Esquema de partición</translation>
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation>Leyes de corte (separadas por comas)</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>BNN / ensemble maximum epochs</source>
      <translation>Épocas máximas de BNN / ensamble</translation>
    </message>
    <message>
      <source>Ensemble members</source>
      <translation>Miembros del ensamble</translation>
    </message>
    <message>
      <source>Kriging maximum samples</source>
      <translation>Máximo de muestras para kriging</translation>
    </message>
    <message>
      <source>GP optimiser iterations</source>
      <translation>Iteraciones del optimizador del proceso gaussiano (GP)</translation>
    </message>
    <message>
      <source>Cross-validation table</source>
      <translation>Tabla de validación cruzada</translation>
    </message>
    <message>
      <source>Cross-validation report</source>
      <translation>Informe de validación cruzada</translation>
    </message>
  </context>
  <context>
    <name>DesurveyAlgorithm</name>
    <message>
      <source>Desurvey drillholes</source>
      <translation>Calcular trayectoria de sondajes (desurvey)</translation>
    </message>
    <message>
      <source>Collars (points or table)</source>
      <translation>Collares (puntos o tabla)</translation>
    </message>
    <message>
      <source>Collar hole id field</source>
      <translation>Campo de ID del sondaje en collares</translation>
    </message>
    <message>
      <source>Collar x field (tables)</source>
      <translation>Campo X del collar (tablas)</translation>
    </message>
    <message>
      <source>Collar y field (tables)</source>
      <translation>Campo Y del collar (tablas)</translation>
    </message>
    <message>
      <source>Collar elevation field</source>
      <translation>Campo de cota del collar</translation>
    </message>
    <message>
      <source>Collar azimuth field</source>
      <translation>Campo de azimut del collar</translation>
    </message>
    <message>
      <source>Collar dip field</source>
      <translation>Campo de inclinación del collar</translation>
    </message>
    <message>
      <source>Collar total depth field</source>
      <translation>Campo de profundidad total del collar</translation>
    </message>
    <message>
      <source>Collar CRS (for a table)</source>
      <translation>SRC de los collares (para una tabla)</translation>
    </message>
    <message>
      <source>Downhole surveys</source>
      <translation>Mediciones de desviación de sondajes (survey)</translation>
    </message>
    <message>
      <source>Survey hole id field</source>
      <translation>Campo de ID del sondaje en la desviación</translation>
    </message>
    <message>
      <source>Survey depth field</source>
      <translation>Campo de profundidad de la desviación</translation>
    </message>
    <message>
      <source>Survey azimuth field</source>
      <translation>Campo de azimut de la desviación</translation>
    </message>
    <message>
      <source>Survey dip field</source>
      <translation>Campo de inclinación de la desviación</translation>
    </message>
    <message>
      <source>Intervals (assays)</source>
      <translation>Intervalos (ensayos)</translation>
    </message>
    <message>
      <source>Interval hole id field</source>
      <translation>Campo de ID del sondaje en los intervalos</translation>
    </message>
    <message>
      <source>From field</source>
      <translation>Campo Desde</translation>
    </message>
    <message>
      <source>To field</source>
      <translation>Campo Hasta</translation>
    </message>
    <message>
      <source>Dip convention</source>
      <translation>Convención de inclinación</translation>
    </message>
    <message>
      <source>Overlapping intervals</source>
      <translation>Intervalos superpuestos</translation>
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation>Los valores bajo el límite de detección pasan a</translation>
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation>Códigos de valor faltante</translation>
    </message>
    <message>
      <source>Desurveyed intervals</source>
      <translation>Intervalos con trayectoria calculada</translation>
    </message>
  </context>
  <context>
    <name>GeologyFeaturesAlgorithm</name>
    <message>
      <source>Geology map features</source>
      <translation>Atributos del mapa geológico</translation>
    </message>
    <message>
      <source>Points</source>
      <translation>Puntos</translation>
    </message>
    <message>
      <source>Geology polygons</source>
      <translation>Polígonos geológicos</translation>
    </message>
    <message>
      <source>Unit field</source>
      <translation>Campo de unidad geológica</translation>
    </message>
    <message>
      <source>Fault lines</source>
      <translation>Líneas de falla</translation>
    </message>
    <message>
      <source>Fault dip field (degrees)</source>
      <translation>Campo de buzamiento de la falla (grados)</translation>
    </message>
    <message>
      <source>Fault dip direction field (degrees from north)</source>
      <translation>Campo de dirección de buzamiento de la falla (grados desde el norte)</translation>
    </message>
    <message>
      <source>Ground surface (DEM), for the faults down dip</source>
      <translation>Superficie del terreno (MDE), para las fallas en profundidad según su buzamiento</translation>
    </message>
    <message>
      <source>Saved unit list (to match the samples' fields)</source>
      <translation>Lista de unidades guardada (para coincidir con los campos de las muestras)</translation>
    </message>
    <message>
      <source>Unit list</source>
      <translation>Lista de unidades</translation>
    </message>
    <message>
      <source>Points with geology</source>
      <translation>Puntos con geología</translation>
    </message>
  </context>
  <context>
    <name>GaussianProcessAlgorithm</name>
    <message>
      <source>Gaussian process (baseline)</source>
      <translation>Proceso gaussiano (referencia)</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>Muestras</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Covariate fields</source>
      <translation>Campos de covariables</translation>
    </message>
    <message>
      <source>Model log-grade</source>
      <translation>Modelar el logaritmo de la ley</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>Puntos a estimar</translation>
    </message>
    <message>
      <source>Raster template</source>
      <translation>Ráster de plantilla</translation>
    </message>
    <message>
      <source>Exact GP up to n samples</source>
      <translation>GP exacto hasta n muestras</translation>
    </message>
    <message>
      <source>Inducing points (sparse GP)</source>
      <translation>Puntos inductores (GP disperso)</translation>
    </message>
    <message>
      <source>Optimiser iterations</source>
      <translation>Iteraciones del optimizador</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation>Leyes de corte (separadas por comas)</translation>
    </message>
    <message>
      <source>GP estimates (points)</source>
      <translation>Estimaciones GP (puntos)</translation>
    </message>
    <message>
      <source>GP estimates (raster)</source>
      <translation>Estimaciones GP (ráster)</translation>
    </message>
  </context>
  <context>
    <name>GradeTonnageAlgorithm</name>
    <message>
      <source>Grade-tonnage curves</source>
      <translation>Curvas tonelaje-ley</translation>
    </message>
    <message>
      <source>Block model</source>
      <translation>Modelo de bloques</translation>
    </message>
    <message>
      <source>Grade estimate fields</source>
      <translation>Campos de ley estimada</translation>
    </message>
    <message>
      <source>Grade unit</source>
      <translation>Unidad de ley</translation>
    </message>
    <message>
      <source>Block volume field</source>
      <translation>Campo de volumen del bloque</translation>
    </message>
    <message>
      <source>Block volume (m3) when no field</source>
      <translation>Volumen del bloque (m3) si no hay campo</translation>
    </message>
    <message>
      <source>Density field (t/m3)</source>
      <translation>Campo de densidad (t/m3)</translation>
    </message>
    <message>
      <source>Density (t/m3) when no field</source>
      <translation>Densidad (t/m3) si no hay campo</translation>
    </message>
    <message>
      <source>First cut-off</source>
      <translation>Primera ley de corte</translation>
    </message>
    <message>
      <source>Last cut-off</source>
      <translation>Última ley de corte</translation>
    </message>
    <message>
      <source>Cut-off step</source>
      <translation>Incremento de la ley de corte</translation>
    </message>
    <message>
      <source>BNN model for uncertainty bands</source>
      <translation>Modelo BNN para las bandas de incertidumbre</translation>
    </message>
    <message>
      <source>Posterior realisations</source>
      <translation>Realizaciones a posteriori</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Grade-tonnage table</source>
      <translation>Tabla tonelaje-ley</translation>
    </message>
    <message>
      <source>Grade-tonnage plot</source>
      <translation>Gráfico tonelaje-ley</translation>
    </message>
  </context>
  <context>
    <name>HyperScoreAlgorithm</name>
    <message>
      <source>HyperScore</source>
      <translation>HyperScore</translation>
    </message>
    <message>
      <source>Estimated targets</source>
      <translation>Objetivos estimados</translation>
    </message>
    <message>
      <source>V source</source>
      <translation>Origen de V</translation>
    </message>
    <message>
      <source>Probability field</source>
      <translation>Campo de probabilidad</translation>
    </message>
    <message>
      <source>Mean (estimate) field</source>
      <translation>Campo de la media (estimación)</translation>
    </message>
    <message>
      <source>Spread field (sd or variance)</source>
      <translation>Campo de dispersión (desv. est. o varianza)</translation>
    </message>
    <message>
      <source>Spread is</source>
      <translation>La dispersión es</translation>
    </message>
    <message>
      <source>Cut-off grade</source>
      <translation>Ley de corte</translation>
    </message>
    <message>
      <source>beta</source>
      <translation>beta</translation>
    </message>
    <message>
      <source>gamma</source>
      <translation>gamma</translation>
    </message>
    <message>
      <source>kappa</source>
      <translation>kappa</translation>
    </message>
  </context>
  <context>
    <name>HyperspectralFeaturesAlgorithm</name>
    <message>
      <source>Hyperspectral absorption features</source>
      <translation>Rasgos de absorción hiperespectrales</translation>
    </message>
    <message>
      <source>Reflectance cube</source>
      <translation>Cubo de reflectancia</translation>
    </message>
    <message>
      <source>Band wavelengths (comma list or text file; empty: from the file)</source>
      <translation>Longitudes de onda de las bandas (lista separada por comas o archivo de texto; vacío: del archivo)</translation>
    </message>
    <message>
      <source>Band table (JSON or CSV; empty: the bundled one)</source>
      <translation>Tabla de bandas (JSON o CSV; vacío: la incluida)</translation>
    </message>
    <message>
      <source>Memory budget per window (MB)</source>
      <translation>Memoria asignada por ventana (MB)</translation>
    </message>
    <message>
      <source>Absorption features</source>
      <translation>Rasgos de absorción</translation>
    </message>
  </context>
  <context>
    <name>KNNImputeAlgorithm</name>
    <message>
      <source>k-NN imputation (spatial and feature distance)</source>
      <translation>Imputación k-NN (distancia espacial y de atributos)</translation>
    </message>
    <message>
      <source>Samples or targets</source>
      <translation>Muestras u objetivos de predicción</translation>
    </message>
    <message>
      <source>Fields to impute</source>
      <translation>Campos a imputar</translation>
    </message>
    <message>
      <source>Negative numbers are below-detection results (-0.5 means &lt;0.5)</source>
      <translation>Los números negativos son resultados bajo el límite de detección (-0.5 significa &lt;0.5)</translation>
    </message>
    <message>
      <source>Number of donors (K)</source>
      <translation>Número de donantes (K)</translation>
    </message>
    <message>
      <source>Spatial weight (0 = features only, 1 = distance only)</source>
      <translation>Peso espacial (0 = solo atributos, 1 = solo distancia)</translation>
    </message>
    <message>
      <source>Spatial scale (0 = automatic)</source>
      <translation>Escala espacial (0 = automática)</translation>
    </message>
    <message>
      <source>Donor weighting</source>
      <translation>Ponderación de los donantes</translation>
    </message>
    <message>
      <source>Saved reference (impute from it)</source>
      <translation>Referencia guardada (imputar a partir de ella)</translation>
    </message>
    <message>
      <source>Save reference</source>
      <translation>Guardar referencia</translation>
    </message>
    <message>
      <source>Layer with the gaps filled</source>
      <translation>Capa con los huecos rellenados</translation>
    </message>
  </context>
  <context>
    <name>MultipleIndicatorKrigingAlgorithm</name>
    <message>
      <source>Multiple indicator kriging</source>
      <translation>Kriging de indicadores múltiples</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>Muestras (puntos)</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Hole id field (for max per hole)</source>
      <translation>Campo de ID del sondaje (para el máximo por sondaje)</translation>
    </message>
    <message>
      <source>Mode</source>
      <translation>Modo</translation>
    </message>
    <message>
      <source>Thresholds (empty = declustered deciles)</source>
      <translation>Umbrales (vacío = deciles desagrupados)</translation>
    </message>
    <message>
      <source>Upper-tail cut-offs added to the deciles</source>
      <translation>Leyes de corte de la cola superior añadidas a los deciles</translation>
    </message>
    <message>
      <source>Indicator variogram (median IK, optional)</source>
      <translation>Variograma de indicadores (IK de la mediana, opcional)</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>Puntos a estimar</translation>
    </message>
    <message>
      <source>Raster template</source>
      <translation>Ráster de plantilla</translation>
    </message>
    <message>
      <source>Template elevation (3D kriging)</source>
      <translation>Cota de la plantilla (kriging 3D)</translation>
    </message>
    <message>
      <source>Search radius, major (empty = the variogram's range, 0 = unlimited)</source>
      <translation>Radio de búsqueda, eje mayor (vacío = el alcance del variograma, 0 = ilimitado)</translation>
    </message>
    <message>
      <source>Search radius, semi-major (empty = the variogram's ratio)</source>
      <translation>Radio de búsqueda, eje semimayor (vacío = la proporción del variograma)</translation>
    </message>
    <message>
      <source>Search radius, minor (empty = the variogram's ratio)</source>
      <translation>Radio de búsqueda, eje menor (vacío = la proporción del variograma)</translation>
    </message>
    <message>
      <source>Search azimuth (empty = the variogram's)</source>
      <translation>Azimut de búsqueda (vacío = el del variograma)</translation>
    </message>
    <message>
      <source>Search dip, positive up (empty = the variogram's)</source>
      <translation>Inclinación de búsqueda, positiva hacia arriba (vacío = la del variograma)</translation>
    </message>
    <message>
      <source>Search rake (empty = the variogram's)</source>
      <translation>Cabeceo (rake) de búsqueda (vacío = el del variograma)</translation>
    </message>
    <message>
      <source>Minimum samples</source>
      <translation>Mínimo de muestras</translation>
    </message>
    <message>
      <source>Maximum samples</source>
      <translation>Máximo de muestras</translation>
    </message>
    <message>
      <source>Maximum samples per hole (0 = no cap)</source>
      <translation>Máximo de muestras por sondaje (0 = sin límite)</translation>
    </message>
    <message>
      <source>Block size 'dx, dy, dz' (empty = point)</source>
      <translation>Tamaño de bloque 'dx, dy, dz' (vacío = puntual)</translation>
    </message>
    <message>
      <source>Block discretisation 'nx, ny, nz'</source>
      <translation>Discretización del bloque 'nx, ny, nz'</translation>
    </message>
    <message>
      <source>Minimum grade zmin</source>
      <translation>Ley mínima zmin</translation>
    </message>
    <message>
      <source>Maximum grade zmax (empty = data maximum)</source>
      <translation>Ley máxima zmax (vacío = máximo de los datos)</translation>
    </message>
    <message>
      <source>Lower tail</source>
      <translation>Cola inferior</translation>
    </message>
    <message>
      <source>Lower tail omega</source>
      <translation>Omega de la cola inferior</translation>
    </message>
    <message>
      <source>Middle classes</source>
      <translation>Clases intermedias</translation>
    </message>
    <message>
      <source>Middle classes omega</source>
      <translation>Omega de las clases intermedias</translation>
    </message>
    <message>
      <source>Upper tail</source>
      <translation>Cola superior</translation>
    </message>
    <message>
      <source>Upper tail omega</source>
      <translation>Omega de la cola superior</translation>
    </message>
    <message>
      <source>Cut-offs for P(grade &gt; cut-off)</source>
      <translation>Leyes de corte para P(ley &gt; ley de corte)</translation>
    </message>
    <message>
      <source>Random seed (variogram fits)</source>
      <translation>Semilla aleatoria (ajustes de variograma)</translation>
    </message>
    <message>
      <source>MIK points</source>
      <translation>Puntos MIK</translation>
    </message>
    <message>
      <source>MIK raster</source>
      <translation>Ráster MIK</translation>
    </message>
  </context>
  <context>
    <name>OrdinaryKrigingAlgorithm</name>
    <message>
      <source>Ordinary kriging</source>
      <translation>Kriging ordinario</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>Muestras (puntos)</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Hole id field (for max per hole)</source>
      <translation>Campo de ID del sondaje (para el máximo por sondaje)</translation>
    </message>
    <message>
      <source>Variogram model</source>
      <translation>Modelo de variograma</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>Puntos a estimar</translation>
    </message>
    <message>
      <source>Raster template</source>
      <translation>Ráster de plantilla</translation>
    </message>
    <message>
      <source>Template elevation (3D kriging)</source>
      <translation>Cota de la plantilla (kriging 3D)</translation>
    </message>
    <message>
      <source>Search radius, major (empty = the variogram's range, 0 = unlimited)</source>
      <translation>Radio de búsqueda, eje mayor (vacío = el alcance del variograma, 0 = ilimitado)</translation>
    </message>
    <message>
      <source>Search radius, semi-major (empty = the variogram's ratio)</source>
      <translation>Radio de búsqueda, eje semimayor (vacío = la proporción del variograma)</translation>
    </message>
    <message>
      <source>Search radius, minor (empty = the variogram's ratio)</source>
      <translation>Radio de búsqueda, eje menor (vacío = la proporción del variograma)</translation>
    </message>
    <message>
      <source>Search azimuth (empty = the variogram's)</source>
      <translation>Azimut de búsqueda (vacío = el del variograma)</translation>
    </message>
    <message>
      <source>Search dip, positive up (empty = the variogram's)</source>
      <translation>Inclinación de búsqueda, positiva hacia arriba (vacío = la del variograma)</translation>
    </message>
    <message>
      <source>Search rake (empty = the variogram's)</source>
      <translation>Cabeceo (rake) de búsqueda (vacío = el del variograma)</translation>
    </message>
    <message>
      <source>Minimum samples</source>
      <translation>Mínimo de muestras</translation>
    </message>
    <message>
      <source>Maximum samples</source>
      <translation>Máximo de muestras</translation>
    </message>
    <message>
      <source>Maximum samples per hole (0 = no cap)</source>
      <translation>Máximo de muestras por sondaje (0 = sin límite)</translation>
    </message>
    <message>
      <source>Block size 'dx, dy, dz' (empty = point)</source>
      <translation>Tamaño de bloque 'dx, dy, dz' (vacío = puntual)</translation>
    </message>
    <message>
      <source>Block discretisation 'nx, ny, nz'</source>
      <translation>Discretización del bloque 'nx, ny, nz'</translation>
    </message>
    <message>
      <source>Kriged points</source>
      <translation>Puntos krigeados</translation>
    </message>
    <message>
      <source>Kriged raster</source>
      <translation>Ráster krigeado</translation>
    </message>
  </context>
  <context>
    <name>ParseLogsAlgorithm</name>
    <message>
      <source>Parse log descriptions</source>
      <translation>Interpretar descripciones del logueo</translation>
    </message>
    <message>
      <source>Log intervals</source>
      <translation>Intervalos de logueo</translation>
    </message>
    <message>
      <source>Description field</source>
      <translation>Campo de descripción</translation>
    </message>
    <message>
      <source>Hole field</source>
      <translation>Campo de sondaje</translation>
    </message>
    <message>
      <source>From (depth) field</source>
      <translation>Campo Desde (profundidad)</translation>
    </message>
    <message>
      <source>To (depth) field</source>
      <translation>Campo Hasta (profundidad)</translation>
    </message>
    <message>
      <source>Vocabulary file extending the default</source>
      <translation>Archivo de vocabulario que amplía el predeterminado</translation>
    </message>
    <message>
      <source>Use the transformer</source>
      <translation>Usar el modelo transformer</translation>
    </message>
    <message>
      <source>Transformer cosine similarity threshold</source>
      <translation>Umbral de similitud coseno del transformer</translation>
    </message>
    <message>
      <source>Embedding cache folder</source>
      <translation>Carpeta de caché de embeddings</translation>
    </message>
    <message>
      <source>Samples to join onto (optional)</source>
      <translation>Muestras a las que unir el logueo (opcional)</translation>
    </message>
    <message>
      <source>Sample hole field</source>
      <translation>Campo de sondaje de las muestras</translation>
    </message>
    <message>
      <source>Sample from field</source>
      <translation>Campo Desde de las muestras</translation>
    </message>
    <message>
      <source>Sample to field</source>
      <translation>Campo Hasta de las muestras</translation>
    </message>
    <message>
      <source>Parsed logs</source>
      <translation>Logueo interpretado</translation>
    </message>
  </context>
  <context>
    <name>PCAFusionAlgorithm</name>
    <message>
      <source>PCA fusion of covariates</source>
      <translation>Fusión de covariables por PCA</translation>
    </message>
    <message>
      <source>Samples or targets</source>
      <translation>Muestras u objetivos de predicción</translation>
    </message>
    <message>
      <source>Covariate fields (FIT)</source>
      <translation>Campos de covariables (AJUSTAR)</translation>
    </message>
    <message>
      <source>Mode</source>
      <translation>Modo</translation>
    </message>
    <message>
      <source>Number of components (0: by variance threshold)</source>
      <translation>Número de componentes (0: según el umbral de varianza)</translation>
    </message>
    <message>
      <source>Explained-variance threshold</source>
      <translation>Umbral de varianza explicada</translation>
    </message>
    <message>
      <source>Random Fourier features of X, Y, Z</source>
      <translation>Atributos aleatorios de Fourier de X, Y, Z</translation>
    </message>
    <message>
      <source>Embedding length scale (map units)</source>
      <translation>Escala de longitud del embedding (unidades del mapa)</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Fill missing values with the mean</source>
      <translation>Rellenar los valores faltantes con la media</translation>
    </message>
    <message>
      <source>Leave out constant fields (with a warning)</source>
      <translation>Excluir campos constantes (con una advertencia)</translation>
    </message>
    <message>
      <source>Saved transform (APPLY)</source>
      <translation>Transformación guardada (APLICAR)</translation>
    </message>
    <message>
      <source>Transform file (FIT)</source>
      <translation>Archivo de transformación (AJUSTAR)</translation>
    </message>
    <message>
      <source>Layer with PCA components (pc_)</source>
      <translation>Capa con componentes principales (pc_)</translation>
    </message>
  </context>
  <context>
    <name>PredictBNNAlgorithm</name>
    <message>
      <source>Predict with Bayesian neural network</source>
      <translation>Predecir con red neuronal bayesiana</translation>
    </message>
    <message>
      <source>Model file (trainbnn)</source>
      <translation>Archivo de modelo (trainbnn)</translation>
    </message>
    <message>
      <source>Target points</source>
      <translation>Puntos a estimar</translation>
    </message>
    <message>
      <source>Covariate raster (bands named as the features)</source>
      <translation>Ráster de covariables (bandas con el nombre de los atributos)</translation>
    </message>
    <message>
      <source>Cut-offs (comma separated)</source>
      <translation>Leyes de corte (separadas por comas)</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Posterior samples (bnn)</source>
      <translation>Muestras a posteriori (bnn)</translation>
    </message>
    <message>
      <source>BNN estimates (points)</source>
      <translation>Estimaciones BNN (puntos)</translation>
    </message>
    <message>
      <source>BNN estimates (raster)</source>
      <translation>Estimaciones BNN (ráster)</translation>
    </message>
  </context>
  <context>
    <name>WorkflowReportAlgorithm</name>
    <message>
      <source>Workflow report</source>
      <translation>Informe del flujo de trabajo</translation>
    </message>
    <message>
      <source>Estimated blocks</source>
      <translation>Bloques estimados</translation>
    </message>
    <message>
      <source>Map: BNN mean TREO %</source>
      <translation>Mapa: media BNN de TREO %</translation>
    </message>
    <message>
      <source>Map: BNN sd TREO %</source>
      <translation>Mapa: desv. est. BNN de TREO %</translation>
    </message>
    <message>
      <source>Map: BNN P(TREO &gt; cut-off)</source>
      <translation>Mapa: P(TREO &gt; ley de corte) BNN</translation>
    </message>
    <message>
      <source>Map: OK estimate TREO %</source>
      <translation>Mapa: estimación por kriging ordinario de TREO %</translation>
    </message>
    <message>
      <source>Map: MIK E-type mean TREO %</source>
      <translation>Mapa: media E-type MIK de TREO %</translation>
    </message>
    <message>
      <source>Cross-validation table (for the verdict)</source>
      <translation>Tabla de validación cruzada (para el veredicto)</translation>
    </message>
    <message>
      <source>Classification rule (shown with the statement)</source>
      <translation>Regla de clasificación (mostrada con la declaración de recursos)</translation>
    </message>
    <message>
      <source>Page: Variogram</source>
      <translation>Página: variograma</translation>
    </message>
    <message>
      <source>Page: Cross-validation (grouped by hole)</source>
      <translation>Página: validación cruzada (agrupada por sondaje)</translation>
    </message>
    <message>
      <source>Page: Grade-tonnage of the block model (BNN bands)</source>
      <translation>Página: tonelaje-ley del modelo de bloques (bandas BNN)</translation>
    </message>
    <message>
      <source>True block grades (truth_blocks.npz)</source>
      <translation>Leyes reales de los bloques (truth_blocks.npz)</translation>
    </message>
    <message>
      <source>Cut-off grade</source>
      <translation>Ley de corte</translation>
    </message>
    <message>
      <source>More cut-offs for the resource statement (e.g. 0.5, 1.5)</source>
      <translation>Más leyes de corte para la declaración de recursos (p. ej. 0.5, 1.5)</translation>
    </message>
    <message>
      <source>Density (t/m3)</source>
      <translation>Densidad (t/m3)</translation>
    </message>
    <message>
      <source>Bench elevation of the maps</source>
      <translation>Cota del banco de los mapas</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>Notas</translation>
    </message>
  </context>
  <context>
    <name>SampleFeaturesAlgorithm</name>
    <message>
      <source>Sample raster features at points</source>
      <translation>Extraer valores ráster en puntos</translation>
    </message>
    <message>
      <source>Points</source>
      <translation>Puntos</translation>
    </message>
    <message>
      <source>Raster</source>
      <translation>Ráster</translation>
    </message>
    <message>
      <source>Sampling</source>
      <translation>Método de muestreo</translation>
    </message>
    <message>
      <source>Field name prefix</source>
      <translation>Prefijo del nombre de campo</translation>
    </message>
    <message>
      <source>Points with raster values</source>
      <translation>Puntos con valores ráster</translation>
    </message>
  </context>
  <context>
    <name>SyntheticDepositAlgorithm</name>
    <message>
      <source>Generate synthetic REE deposit</source>
      <translation>Generar yacimiento sintético de tierras raras</translation>
    </message>
    <message>
      <source>Preset</source>
      <translation>Configuración predefinida</translation>
    </message>
    <message>
      <source>Seed</source>
      <translation>Semilla</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>Carpeta de salida</translation>
    </message>
  </context>
  <context>
    <name>TargetsAlgorithm</name>
    <message>
      <source>Prediction targets (grid or block model)</source>
      <translation>Objetivos de predicción (grilla o modelo de bloques)</translation>
    </message>
    <message>
      <source>Targets</source>
      <translation>Objetivos de predicción</translation>
    </message>
    <message>
      <source>Raster template (2D)</source>
      <translation>Ráster de plantilla (2D)</translation>
    </message>
    <message>
      <source>Extent</source>
      <translation>Extensión</translation>
    </message>
    <message>
      <source>Cell / block size X</source>
      <translation>Tamaño de celda / bloque X</translation>
    </message>
    <message>
      <source>Cell / block size Y</source>
      <translation>Tamaño de celda / bloque Y</translation>
    </message>
    <message>
      <source>Block size Z</source>
      <translation>Tamaño de bloque Z</translation>
    </message>
    <message>
      <source>Z minimum (3D)</source>
      <translation>Z mínima (3D)</translation>
    </message>
    <message>
      <source>Z maximum (3D)</source>
      <translation>Z máxima (3D)</translation>
    </message>
    <message>
      <source>Clip polygons</source>
      <translation>Polígonos de recorte</translation>
    </message>
    <message>
      <source>Topography (DEM, 3D)</source>
      <translation>Topografía (MDE, 3D)</translation>
    </message>
    <message>
      <source>Topography sampling</source>
      <translation>Muestreo de la topografía</translation>
    </message>
  </context>
  <context>
    <name>TrainBNNAlgorithm</name>
    <message>
      <source>Train Bayesian neural network</source>
      <translation>Entrenar red neuronal bayesiana</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>Muestras</translation>
    </message>
    <message>
      <source>Feature fields</source>
      <translation>Campos de atributos</translation>
    </message>
    <message>
      <source>Categorical fields (one-hot encoded)</source>
      <translation>Campos categóricos (codificación one-hot)</translation>
    </message>
    <message>
      <source>Logged domain fields, samples only (stacked; e.g. log_lith)</source>
      <translation>Campos de dominio registrados, solo en las muestras (stacked; p. ej. log_lith)</translation>
    </message>
    <message>
      <source>Grade field (e.g. TREO_pct)</source>
      <translation>Campo de ley (p. ej. TREO_pct)</translation>
    </message>
    <message>
      <source>Hole field (validation split by hole)</source>
      <translation>Campo de sondaje (validación separada por sondaje)</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>Método</translation>
    </message>
    <message>
      <source>Hidden layer sizes</source>
      <translation>Tamaños de las capas ocultas</translation>
    </message>
    <message>
      <source>Maximum epochs</source>
      <translation>Épocas máximas</translation>
    </message>
    <message>
      <source>Members (ensemble)</source>
      <translation>Miembros (ensamble)</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Early-stopping patience (epochs)</source>
      <translation>Paciencia de la detención temprana (épocas)</translation>
    </message>
    <message>
      <source>Learning rate (Adam)</source>
      <translation>Tasa de aprendizaje (Adam)</translation>
    </message>
    <message>
      <source>Prior sd of weights (bnn)</source>
      <translation>Desv. est. a priori de los pesos (bnn)</translation>
    </message>
    <message>
      <source>KL weight (bnn)</source>
      <translation>Peso KL (bnn)</translation>
    </message>
    <message>
      <source>Weight decay (ensemble; empty = chosen on the held-out holes)</source>
      <translation>Decaimiento de pesos (ensamble; vacío = elegido con los sondajes reservados)</translation>
    </message>
    <message>
      <source>Validation fraction (whole holes)</source>
      <translation>Fracción de validación (sondajes completos)</translation>
    </message>
    <message>
      <source>Kriging maximum samples (stacked)</source>
      <translation>Máximo de muestras del kriging (stacked)</translation>
    </message>
    <message>
      <source>Kriging maximum samples per hole (stacked; 0 = no cap)</source>
      <translation>Máximo de muestras del kriging por sondaje (stacked; 0 = sin límite)</translation>
    </message>
    <message>
      <source>Recalibrate the spread on the held-out holes</source>
      <translation>Recalibrar la dispersión con los sondajes reservados</translation>
    </message>
    <message>
      <source>Model file</source>
      <translation>Archivo de modelo</translation>
    </message>
  </context>
  <context>
    <name>TreoAlgorithm</name>
    <message>
      <source>REE oxides and TREO</source>
      <translation>Óxidos de tierras raras y TREO</translation>
    </message>
    <message>
      <source>Samples with element assays</source>
      <translation>Muestras con ensayos por elemento</translation>
    </message>
    <message>
      <source>Field map (El=field; ...)</source>
      <translation>Correspondencia de campos (Elemento=campo; ...)</translation>
    </message>
    <message>
      <source>Element units</source>
      <translation>Unidades de los elementos</translation>
    </message>
    <message>
      <source>Below detection becomes</source>
      <translation>Los valores bajo el límite de detección pasan a</translation>
    </message>
    <message>
      <source>Missing-value codes</source>
      <translation>Códigos de valor faltante</translation>
    </message>
    <message>
      <source>Light/heavy split</source>
      <translation>División entre ligeras y pesadas</translation>
    </message>
    <message>
      <source>Missing elements</source>
      <translation>Elementos ausentes</translation>
    </message>
    <message>
      <source>Samples with oxides and TREO</source>
      <translation>Muestras con óxidos y TREO</translation>
    </message>
  </context>
  <context>
    <name>VariogramAlgorithm</name>
    <message>
      <source>Variogram (experimental and fitted model)</source>
      <translation>Variograma (experimental y modelo ajustado)</translation>
    </message>
    <message>
      <source>Samples (points)</source>
      <translation>Muestras (puntos)</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Hole id field (downhole variogram)</source>
      <translation>Campo de ID del sondaje (variograma a lo largo del sondaje)</translation>
    </message>
    <message>
      <source>Dimension</source>
      <translation>Dimensión</translation>
    </message>
    <message>
      <source>Lag (0 = automatic)</source>
      <translation>Paso (0 = automático)</translation>
    </message>
    <message>
      <source>Number of lags</source>
      <translation>Número de pasos</translation>
    </message>
    <message>
      <source>Lag tolerance (0 = half the lag)</source>
      <translation>Tolerancia del paso (0 = la mitad del paso)</translation>
    </message>
    <message>
      <source>Directions (empty, 'axes' or 'azimuth/dip; ...')</source>
      <translation>Direcciones (vacío, 'axes' o 'azimut/inclinación; ...')</translation>
    </message>
    <message>
      <source>Angular tolerance (degrees)</source>
      <translation>Tolerancia angular (grados)</translation>
    </message>
    <message>
      <source>Bandwidth (0 = none)</source>
      <translation>Ancho de banda (0 = ninguno)</translation>
    </message>
    <message>
      <source>Ellipsoid orientation</source>
      <translation>Orientación del elipsoide</translation>
    </message>
    <message>
      <source>Ellipsoid azimuth</source>
      <translation>Azimut del elipsoide</translation>
    </message>
    <message>
      <source>Ellipsoid dip (positive up)</source>
      <translation>Inclinación del elipsoide (positiva hacia arriba)</translation>
    </message>
    <message>
      <source>Ellipsoid rake</source>
      <translation>Cabeceo (rake) del elipsoide</translation>
    </message>
    <message>
      <source>Structures (comma separated)</source>
      <translation>Estructuras anidadas (separadas por comas)</translation>
    </message>
    <message>
      <source>Nugget</source>
      <translation>Efecto pepita</translation>
    </message>
    <message>
      <source>Fixed nugget value</source>
      <translation>Valor fijo del efecto pepita</translation>
    </message>
    <message>
      <source>Weighting</source>
      <translation>Ponderación</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Variogram model</source>
      <translation>Modelo de variograma</translation>
    </message>
    <message>
      <source>Variogram plot</source>
      <translation>Gráfico del variograma</translation>
    </message>
  </context>
  <context>
    <name>REEGradeMenu</name>
    <message>
      <source>Open REE grade workflow model</source>
      <translation>Abrir el modelo de flujo de trabajo de leyes de tierras raras</translation>
    </message>
    <message>
      <source>Documentation</source>
      <translation>Documentación</translation>
    </message>
    <message>
      <source>Settings…</source>
      <translation>Configuración…</translation>
    </message>
    <message>
      <source>Variogram panel…</source>
      <translation>Panel de variogramas…</translation>
    </message>
    <message>
      <source>3D view…</source>
      <translation>Vista 3D…</translation>
    </message>
    <message>
      <source>Import drillholes…</source>
      <translation>Importar sondajes…</translation>
    </message>
  </context>
  <context>
    <name>REEGradeSettings</name>
    <message>
      <source>REE Grade</source>
      <translation>REE Grade (leyes de tierras raras)</translation>
    </message>
    <message>
      <source>Default cut-offs</source>
      <translation>Leyes de corte predeterminadas</translation>
    </message>
    <message>
      <source>Default random seed</source>
      <translation>Semilla aleatoria predeterminada</translation>
    </message>
    <message>
      <source>Dask scheduler</source>
      <translation>Planificador de Dask</translation>
    </message>
  </context>
  <context>
    <name>REEGradeVariogramPanel</name>
    <message>
      <source>Choose a point layer.</source>
      <translation>Elija una capa de puntos.</translation>
    </message>
    <message>
      <source>Choose a grade field.</source>
      <translation>Elija un campo de ley.</translation>
    </message>
    <message>
      <source>the variogram panel</source>
      <translation>el panel de variogramas</translation>
    </message>
    <message>
      <source>{0}: field '{1}' is not numeric; choose a numeric grade field.</source>
      <translation>{0}: el campo '{1}' no es numérico; elija un campo de ley numérico.</translation>
    </message>
    <message>
      <source>{0}: {1} samples have a value of '{2}'; a variogram needs at least {3}.</source>
      <translation>{0}: {1} muestras tienen un valor de '{2}'; un variograma necesita al menos {3}.</translation>
    </message>
    <message>
      <source>experimental (size: pairs)</source>
      <translation>experimental (tamaño: pares)</translation>
    </message>
    <message>
      <source>sample variance</source>
      <translation>varianza muestral</translation>
    </message>
    <message>
      <source>model</source>
      <translation>modelo</translation>
    </message>
    <message>
      <source>omnidirectional</source>
      <translation>omnidireccional</translation>
    </message>
    <message>
      <source>azimuth {0:.1f}, dip {1:.1f}</source>
      <translation>acimut {0:.1f}, buzamiento {1:.1f}</translation>
    </message>
    <message>
      <source>lag distance (m)</source>
      <translation>distancia de paso (m)</translation>
    </message>
    <message>
      <source>semivariance</source>
      <translation>semivarianza</translation>
    </message>
    <message>
      <source>REE Grade variogram panel</source>
      <translation>Panel de variogramas de REE Grade</translation>
    </message>
    <message>
      <source>Samples and experimental variograms</source>
      <translation>Muestras y variogramas experimentales</translation>
    </message>
    <message>
      <source>automatic</source>
      <translation>automático</translation>
    </message>
    <message>
      <source>Omnidirectional</source>
      <translation>Omnidireccional</translation>
    </message>
    <message>
      <source>Along the ellipsoid's three axes</source>
      <translation>A lo largo de los tres ejes del elipsoide</translation>
    </message>
    <message>
      <source>Omnidirectional and the three axes</source>
      <translation>Omnidireccional y los tres ejes</translation>
    </message>
    <message>
      <source>Point layer</source>
      <translation>Capa de puntos</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Hole id field (optional)</source>
      <translation>Campo de id. de sondaje (opcional)</translation>
    </message>
    <message>
      <source>Lag (m)</source>
      <translation>Paso (m)</translation>
    </message>
    <message>
      <source>Number of lags</source>
      <translation>Número de pasos</translation>
    </message>
    <message>
      <source>Directions</source>
      <translation>Direcciones</translation>
    </message>
    <message>
      <source>Angular tolerance (degrees)</source>
      <translation>Tolerancia angular (grados)</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Semilla aleatoria</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>Modelo</translation>
    </message>
    <message>
      <source>Keep the nugget in Fit</source>
      <translation>Mantener la pepita al ajustar</translation>
    </message>
    <message>
      <source>Nugget</source>
      <translation>Pepita</translation>
    </message>
    <message>
      <source>Azimuth</source>
      <translation>Acimut</translation>
    </message>
    <message>
      <source>Dip (positive up)</source>
      <translation>Buzamiento (positivo hacia arriba)</translation>
    </message>
    <message>
      <source>Rake</source>
      <translation>Cabeceo</translation>
    </message>
    <message>
      <source>Angles</source>
      <translation>Ángulos</translation>
    </message>
    <message>
      <source>Structures</source>
      <translation>Estructuras</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>Tipo</translation>
    </message>
    <message>
      <source>Sill</source>
      <translation>Meseta</translation>
    </message>
    <message>
      <source>Major range</source>
      <translation>Alcance mayor</translation>
    </message>
    <message>
      <source>Semi-major</source>
      <translation>Semimayor</translation>
    </message>
    <message>
      <source>Minor</source>
      <translation>Menor</translation>
    </message>
    <message>
      <source>Compute</source>
      <translation>Calcular</translation>
    </message>
    <message>
      <source>Fit</source>
      <translation>Ajustar</translation>
    </message>
    <message>
      <source>Find anisotropy</source>
      <translation>Buscar anisotropía</translation>
    </message>
    <message>
      <source>Open…</source>
      <translation>Abrir…</translation>
    </message>
    <message>
      <source>Save…</source>
      <translation>Guardar…</translation>
    </message>
    <message>
      <source>The model has {0} structures; the panel shows the first {1}.</source>
      <translation>El modelo tiene {0} estructuras; el panel muestra las {1} primeras.</translation>
    </message>
    <message>
      <source>The structures have different orientations; the panel uses the first's for all.</source>
      <translation>Las estructuras tienen orientaciones distintas; el panel usa la de la primera para todas.</translation>
    </message>
    <message>
      <source>The curves follow the new angles along the directions computed; Compute draws the experimental variograms along the new axes.</source>
      <translation>Las curvas siguen los nuevos ángulos a lo largo de las direcciones calculadas; Calcular dibuja los variogramas experimentales a lo largo de los nuevos ejes.</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>Cancelado.</translation>
    </message>
    <message>
      <source>{0}: {1} samples of '{2}' ({3}D), lag {4:.4g} m, sample variance {5:.4g}.</source>
      <translation>{0}: {1} muestras de '{2}' ({3}D), paso {4:.4g} m, varianza muestral {5:.4g}.</translation>
    </message>
    <message>
      <source>Computing the experimental variograms…</source>
      <translation>Calculando los variogramas experimentales…</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancelar</translation>
    </message>
    <message>
      <source>Compute the experimental variograms first.</source>
      <translation>Calcule primero los variogramas experimentales.</translation>
    </message>
    <message>
      <source>Fitted: total sill {0:.4g} against a sample variance of {1:.4g}; {2} of {3} starts converged.</source>
      <translation>Ajustado: meseta total {0:.4g} frente a una varianza muestral de {1:.4g}; convergieron {2} de {3} puntos de partida.</translation>
    </message>
    <message>
      <source>{0}: the points have no varying z; the anisotropy is found in 3D only.</source>
      <translation>{0}: los puntos no varían en z; la anisotropía solo se busca en 3D.</translation>
    </message>
    <message>
      <source>Finding the anisotropy…</source>
      <translation>Buscando la anisotropía…</translation>
    </message>
    <message>
      <source>Saved {0}</source>
      <translation>Guardado {0}</translation>
    </message>
    <message>
      <source>Opened {0}: {1}</source>
      <translation>Abierto {0}: {1}</translation>
    </message>
    <message>
      <source>Save variogram model</source>
      <translation>Guardar modelo de variograma</translation>
    </message>
    <message>
      <source>JSON files (*.json)</source>
      <translation>Archivos JSON (*.json)</translation>
    </message>
    <message>
      <source>Open variogram model</source>
      <translation>Abrir modelo de variograma</translation>
    </message>
  </context>
  <context>
    <name>REEGradeView3D</name>
    <message>
      <source>Layer {0}: field {1} has no numeric value to colour by</source>
      <translation>Capa {0}: el campo {1} no tiene ningún valor numérico para colorear</translation>
    </message>
    <message>
      <source>Layer {0}: points expected (desurveyed samples, composites or blocks)</source>
      <translation>Capa {0}: se esperan puntos (muestras con desviación calculada, compósitos o bloques)</translation>
    </message>
    <message>
      <source>REE Grade 3D view</source>
      <translation>Vista 3D de REE Grade</translation>
    </message>
    <message>
      <source>Drill samples (points)</source>
      <translation>Muestras de sondaje (puntos)</translation>
    </message>
    <message>
      <source>Grade field</source>
      <translation>Campo de ley</translation>
    </message>
    <message>
      <source>Block model (points)</source>
      <translation>Modelo de bloques (puntos)</translation>
    </message>
    <message>
      <source>Colour blocks by</source>
      <translation>Colorear bloques por</translation>
    </message>
    <message>
      <source>Block size</source>
      <translation>Tamaño de bloque</translation>
    </message>
    <message>
      <source>Vertical exaggeration</source>
      <translation>Exageración vertical</translation>
    </message>
    <message>
      <source>Camera pitch (°)</source>
      <translation>Inclinación de la cámara (°)</translation>
    </message>
    <message>
      <source>Camera heading (°)</source>
      <translation>Rumbo de la cámara (°)</translation>
    </message>
    <message>
      <source>Render</source>
      <translation>Renderizar</translation>
    </message>
    <message>
      <source>Choose the drill samples layer and its grade field.</source>
      <translation>Elija la capa de muestras de sondaje y su campo de ley.</translation>
    </message>
    <message>
      <source>Choose the field to colour the blocks by.</source>
      <translation>Elija el campo con el que colorear los bloques.</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>Muestras</translation>
    </message>
    <message>
      <source>Blocks</source>
      <translation>Bloques</translation>
    </message>
    <message>
      <source>{0}: blue {1:.4g} to red {2:.4g}, {3} quantile classes</source>
      <translation>{0}: de azul {1:.4g} a rojo {2:.4g}, {3} clases por cuantiles</translation>
    </message>
  </context>
  <context>
    <name>ImportDialog</name>
    <message>
      <source>Collars</source>
      <translation>Collares</translation>
    </message>
    <message>
      <source>Surveys</source>
      <translation>Mediciones de desviación</translation>
    </message>
    <message>
      <source>Assays</source>
      <translation>Análisis</translation>
    </message>
    <message>
      <source>Lithology</source>
      <translation>Litología</translation>
    </message>
    <message>
      <source>Hole id</source>
      <translation>Id. del sondaje</translation>
    </message>
    <message>
      <source>X (easting)</source>
      <translation>X (este)</translation>
    </message>
    <message>
      <source>Y (northing)</source>
      <translation>Y (norte)</translation>
    </message>
    <message>
      <source>Elevation</source>
      <translation>Cota</translation>
    </message>
    <message>
      <source>Total depth</source>
      <translation>Profundidad total</translation>
    </message>
    <message>
      <source>Survey depth</source>
      <translation>Profundidad de medición</translation>
    </message>
    <message>
      <source>Azimuth</source>
      <translation>Azimut</translation>
    </message>
    <message>
      <source>Dip</source>
      <translation>Inclinación</translation>
    </message>
    <message>
      <source>From</source>
      <translation>Desde</translation>
    </message>
    <message>
      <source>To</source>
      <translation>Hasta</translation>
    </message>
    <message>
      <source>Duplicate hole ids</source>
      <translation>Id. de sondaje repetidos</translation>
    </message>
    <message>
      <source>Missing or unreadable values</source>
      <translation>Valores ausentes o ilegibles</translation>
    </message>
    <message>
      <source>Text in number columns</source>
      <translation>Texto en columnas numéricas</translation>
    </message>
    <message>
      <source>From not above to</source>
      <translation>Desde no menor que hasta</translation>
    </message>
    <message>
      <source>Holes without collar</source>
      <translation>Sondajes sin collar</translation>
    </message>
    <message>
      <source>Overlapping intervals</source>
      <translation>Intervalos solapados</translation>
    </message>
    <message>
      <source>Gaps between intervals</source>
      <translation>Huecos entre intervalos</translation>
    </message>
    <message>
      <source>Beyond the hole's depth</source>
      <translation>Más allá de la profundidad del sondaje</translation>
    </message>
    <message>
      <source>Dips out of range</source>
      <translation>Inclinaciones fuera de rango</translation>
    </message>
    <message>
      <source>Repeated rows</source>
      <translation>Filas repetidas</translation>
    </message>
    <message>
      <source>Refuse (fix the file)</source>
      <translation>Rechazar (corregir el archivo)</translation>
    </message>
    <message>
      <source>Keep the first</source>
      <translation>Conservar la primera</translation>
    </message>
    <message>
      <source>Drop the row</source>
      <translation>Eliminar la fila</translation>
    </message>
    <message>
      <source>Set to NULL</source>
      <translation>Poner a NULL</translation>
    </message>
    <message>
      <source>Truncate the deeper interval</source>
      <translation>Recortar el intervalo más profundo</translation>
    </message>
    <message>
      <source>Keep both</source>
      <translation>Conservar ambos</translation>
    </message>
    <message>
      <source>Accept</source>
      <translation>Aceptar</translation>
    </message>
    <message>
      <source>Drop the later row</source>
      <translation>Eliminar la fila posterior</translation>
    </message>
    <message>
      <source>Warning: {0}</source>
      <translation>Advertencia: {0}</translation>
    </message>
    <message>
      <source>Error: {0}</source>
      <translation>Error: {0}</translation>
    </message>
    <message>
      <source>Import drillholes</source>
      <translation>Importar sondajes</translation>
    </message>
    <message>
      <source>Tables</source>
      <translation>Tablas</translation>
    </message>
    <message>
      <source>Column mapping</source>
      <translation>Asignación de columnas</translation>
    </message>
    <message>
      <source>Validation</source>
      <translation>Validación</translation>
    </message>
    <message>
      <source>Tables (CSV, GeoPackage, Excel)</source>
      <translation>Tablas (CSV, GeoPackage, Excel)</translation>
    </message>
    <message>
      <source>Tables (*.csv *.txt *.gpkg *.xlsx *.xls *.ods *.shp *.dbf);;All files (*)</source>
      <translation>Tablas (*.csv *.txt *.gpkg *.xlsx *.xls *.ods *.shp *.dbf);;Todos los archivos (*)</translation>
    </message>
    <message>
      <source>Collar CRS</source>
      <translation>SRC de los collares</translation>
    </message>
    <message>
      <source>Grade columns (composited)</source>
      <translation>Columnas de ley (compositadas)</translation>
    </message>
    <message>
      <source>* required. Guessed by name as Desurvey drillholes does; choose another column where the guess is wrong.</source>
      <translation>* obligatorio. Deducido por el nombre como lo hace Desurvey de sondajes; elija otra columna donde la deducción sea errónea.</translation>
    </message>
    <message>
      <source>Fix per kind of problem</source>
      <translation>Corrección por tipo de problema</translation>
    </message>
    <message>
      <source>Dip negative downwards</source>
      <translation>Inclinación negativa hacia abajo</translation>
    </message>
    <message>
      <source>Dip positive downwards</source>
      <translation>Inclinación positiva hacia abajo</translation>
    </message>
    <message>
      <source>Composite to</source>
      <translation>Compositar a</translation>
    </message>
    <message>
      <source>within lithology</source>
      <translation>dentro de cada litología</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>Importar</translation>
    </message>
    <message>
      <source>{0}: could not read {1}</source>
      <translation>{0}: no se pudo leer {1}</translation>
    </message>
    <message>
      <source>Table</source>
      <translation>Tabla</translation>
    </message>
    <message>
      <source>Row</source>
      <translation>Fila</translation>
    </message>
    <message>
      <source>Hole</source>
      <translation>Sondaje</translation>
    </message>
    <message>
      <source>Column</source>
      <translation>Columna</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Problema</translation>
    </message>
    <message>
      <source>Fix</source>
      <translation>Corrección</translation>
    </message>
    <message>
      <source>Detail</source>
      <translation>Detalle</translation>
    </message>
    <message>
      <source>{0} problem(s) in {1} table(s); {2} refused: change their fix or correct the files.</source>
      <translation>{0} problema(s) en {1} tabla(s); {2} rechazado(s): cambie su corrección o corrija los archivos.</translation>
    </message>
    <message>
      <source>{0} problem(s) in {1} table(s); each is fixed as chosen above.</source>
      <translation>{0} problema(s) en {1} tabla(s); cada uno se corrige como se eligió arriba.</translation>
    </message>
    <message>
      <source>Desurveyed intervals</source>
      <translation>Intervalos con trayectoria calculada</translation>
    </message>
    <message>
      <source>Composites</source>
      <translation>Compósitos</translation>
    </message>
    <message>
      <source>collars</source>
      <translation>collares</translation>
    </message>
    <message>
      <source>assays</source>
      <translation>análisis</translation>
    </message>
    <message>
      <source>surveys</source>
      <translation>desviaciones</translation>
    </message>
  </context>
</TS>
