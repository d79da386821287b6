<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../medgui/ui/app.py" line="+112"/>
        <source>medgui: one image is shown at a time; opened {0}, ignored {1} more.</source>
        <translation>medgui：一次只显示一幅图像；已打开 {0}，忽略其余 {1} 个。</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_check.py" line="+44"/>
        <source>Check the data</source>
        <translation>检查数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every file is opened once. Unreadable files and duplicates are listed and skipped; nothing here stops the scan.</source>
        <translation>每个文件打开一次。无法读取的文件和重复文件会被列出并跳过；这里的任何情况都不会中止扫描。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>usable</source>
        <translation>可用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Examples per class</source>
        <translation>每类样本数</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>A note filed under two classes (two rows, or one cell naming both): which label to train on</source>
        <translation>归入两个类别的病历（两行，或一个单元格中写了两个类别）：用哪个标签训练</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Examples filed under several classes</source>
        <translation>归入多个类别的样本</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Across classes</source>
        <translation>跨类别</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep each patient&apos;s images together; patient = </source>
        <translation>同一患者的图像保持在一起；患者 = </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>patient (group)</source>
        <translation>患者（分组）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Patients</source>
        <translation>患者</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exclude these classes from training</source>
        <translation>从训练中排除这些类别</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Every row of the table is read once. Unreadable ones and duplicates are listed and skipped; nothing here stops the scan.</source>
        <translation>表格的每一行读取一次。无法读取的行和重复行会被列出并跳过；这里的任何情况都不会中止扫描。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every file is read once. Unreadable ones and duplicates are listed and skipped; nothing here stops the scan.</source>
        <translation>每个文件读取一次。无法读取的文件和重复文件会被列出并跳过；这里的任何情况都不会中止扫描。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Scanning {0} …</source>
        <translation>正在扫描 {0} …</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Scanning … {0} of {1}: {2}</source>
        <translation>正在扫描 … 第 {0} 个，共 {1} 个：{2}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The data cannot be used: {0}</source>
        <translation>无法使用这些数据：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scanning the data failed</source>
        <translation>扫描数据失败</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>too few to split</source>
        <translation>太少，无法划分</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Unreadable ({0})</source>
        <translation>无法读取（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates ({0})</source>
        <translation>重复（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Across classes ({0})</source>
        <translation>跨类别（{0}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} usable image examples in {1} classes, from {2}.</source>
        <translation>{1} 个类别中共有 {0} 个可用的影像样本，来自 {2}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} usable text examples in {1} classes, from {2}.</source>
        <translation>{1} 个类别中共有 {0} 个可用的文本样本，来自 {2}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only {0} class with usable examples was found; training needs at least two. Choose another folder.</source>
        <translation>只找到 {0} 个有可用样本的类别；训练至少需要两个。请选择其他文件夹。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0}: fewer than {1} usable examples, too few to put one in each of the training, validation and test splits. Add examples to the folder and go Back and Next to scan again, or exclude these classes.</source>
        <translation>{0}：可用样本少于 {1} 个，不足以在训练、验证和测试划分中各放一个。请向文件夹添加样本，然后按“上一步”和“下一步”重新扫描，或排除这些类别。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Not a valid regular expression: {0}</source>
        <translation>不是有效的正则表达式：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Images are grouped {0}: each patient&apos;s images stay in one split.</source>
        <translation>图像已按{0}分组：每位患者的图像都在同一个划分中。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Grouping by patient: {0}.</source>
        <translation>按患者分组：{0}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The file names look grouped by patient ({0}), but no grouping is set: one patient&apos;s images could land in both training and test, and the figures would be too good.</source>
        <translation>文件名看起来按患者分组（{0}），但未设置分组：同一患者的图像可能同时进入训练集和测试集，结果会过于乐观。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No patient key found in the file names: each image is its own group. If one patient has several images, tick the box and give a pattern.</source>
        <translation>文件名中未找到患者标识：每幅图像各自成组。如果一位患者有多幅图像，请勾选此框并给出匹配模式。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Only {0} class would be left; training needs at least two.</source>
        <translation>只会剩下 {0} 个类别；训练至少需要两个。</translation>
    </message>
</context>
<context>
    <name>ClassBarChart</name>
    <message>
        <location filename="../../medgui/ui/training/charts.py" line="+342"/>
        <source>count</source>
        <translation>数量</translation>
    </message>
</context>
<context>
    <name>ClassificationPanel</name>
    <message>
        <location filename="../../medgui/ui/records/classification_panel.py" line="+32"/>
        <source>No suggestion yet: press Classify.</source>
        <translation>尚无建议：请按“分类”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The text changed since it was classified; this suggestion may not hold. Classify again for a suggestion about the current text.</source>
        <translation>分类后文本已更改，此建议可能不再适用。请重新分类，以获得针对当前文本的建议。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Suggest the specialty this record points to, offline (Ctrl+Enter)</source>
        <translation>离线建议此病历所属的专科（Ctrl+Enter）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Accept as the record&apos;s label</source>
        <translation>采纳为病历标签</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model never sets a label by itself: accept its suggestion only if you agree with it</source>
        <translation>模型不会自行设置标签：仅在您同意时才采纳其建议</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Press Classify to see the words that drove the suggestion.</source>
        <extracomment>(label, probability) rows currently shown, best first.</extracomment>
        <translation>按“分类”查看影响建议的词语。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Words that drove the suggestion:</source>
        <translation>影响建议的词语：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Labels accepted for this record:</source>
        <translation>此病历已采纳的标签：</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Classifying…</source>
        <translation>正在分类…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Classification failed: {0}</source>
        <translation>分类失败：{0}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Label: none yet</source>
        <translation>标签：暂无</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accepted from {0}</source>
        <translation>采纳自 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label: {0} ({1})</source>
        <translation>标签：{0}（{1}）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cannot classify reliably: </source>
        <translation>无法可靠分类：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Suggested: {0}</source>
        <translation>建议：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no reliable label</source>
        <translation>无可靠标签</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For an earlier version of the text: {0}</source>
        <translation>针对文本的早先版本：{0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Made by {0}; the active text model is now {1}. Classify again to ask it.</source>
        <translation>由 {0} 给出；当前文本模型已改为 {1}。请重新分类以获取其结果。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>uncertain</source>
        <translation>不确定</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrixChart</name>
    <message>
        <location filename="../../medgui/ui/training/charts.py" line="-191"/>
        <source>Confusion matrix (test split)</source>
        <translation>混淆矩阵（测试集）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+76"/>
        <source>predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>true</source>
        <translation>真实</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>true {0}, predicted {1}: {2}</source>
        <extracomment>Long class names do not fit under the columns: they are numbered as the rows.</extracomment>
        <translation>真实 {0}，预测 {1}：{2}</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>predicted (numbered as the rows)</source>
        <translation>预测（编号同各行）</translation>
    </message>
</context>
<context>
    <name>DataPage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_pages.py" line="+75"/>
        <source>Where is the data?</source>
        <translation>数据在哪里？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A folder with one subfolder per class</source>
        <translation>每个类别一个子文件夹的文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A CSV/TSV table with a text column and a label column</source>
        <translation>含文本列和标签列的 CSV/TSV 表格</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text column</source>
        <translation>文本列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label column</source>
        <translation>标签列</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>A CSV or TSV table with one row per note: a column with the text and a column with its label. The label values become the class names.</source>
        <translation>每份病历一行的 CSV 或 TSV 表格：一列是文本，一列是其标签。标签值即为类别名称。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A folder holding one subfolder of text files (.txt) per class; the subfolder names become the class names.</source>
        <translation>一个文件夹，每个类别一个存放文本文件（.txt）的子文件夹；子文件夹名称即为类别名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A folder holding one subfolder of images per class; the subfolder names become the class names.</source>
        <translation>一个文件夹，每个类别一个存放图像的子文件夹；子文件夹名称即为类别名称。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose a table</source>
        <translation>选择表格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tables (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>表格 (*.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the dataset folder</source>
        <translation>选择数据集文件夹</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reading the header…</source>
        <translation>正在读取表头…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reading the table failed</source>
        <translation>读取表格失败</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose the text and label column: no column looks like one.</source>
        <translation>请选择文本列和标签列：没有哪一列看起来像。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the text column: no column looks like one.</source>
        <translation>请选择文本列：没有哪一列看起来像文本列。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the label column: no column looks like one.</source>
        <translation>请选择标签列：没有哪一列看起来像标签列。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>No such file.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No such folder.</source>
        <translation>文件夹不存在。</translation>
    </message>
</context>
<context>
    <name>EvaluatePage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_eval.py" line="+47"/>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0}  (95 % CI {1} – {2})</source>
        <translation>{0}（95% 置信区间 {1} – {2}）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Evaluation on the test split</source>
        <translation>在测试集上评估</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+85"/>
        <source>These images were never used for training or for choosing the best epoch.</source>
        <translation>这些图像从未用于训练，也未用于选择最佳轮次。</translation>
    </message>
    <message>
        <location line="-67"/>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reliability</source>
        <translation>可靠性</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Operating threshold</source>
        <translation>工作阈值</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>These texts were never used for training or for choosing the best epoch.</source>
        <translation>这些文本从未用于训练，也未用于选择最佳轮次。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;b&gt;Accuracy&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;准确率&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Macro-F1&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;宏平均F1&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;AUC&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;AUC&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Majority-class baseline (always {0}): accuracy {1:.3f}, macro-F1 {2:.3f}</source>
        <translation>多数类基线（始终为 {0}）：准确率 {1:.3f}，宏平均 F1 {2:.3f}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} test examples</source>
        <translation>{0} 个测试样本</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This model may be no better than chance</source>
        <translation>此模型可能并不优于随机猜测</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Call {0} when P ≥ {1}: sensitivity {2}, specificity {3}</source>
        <translation>P ≥ {1} 时判为 {0}：灵敏度 {2}，特异度 {3}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>&lt;b&gt;Baseline&lt;/b&gt; (TF-IDF + logistic regression, same training and test split): macro-F1 {0}, accuracy {1}</source>
        <translation>&lt;b&gt;基线&lt;/b&gt;（TF-IDF + 逻辑回归，相同的训练集和测试集）：宏平均F1 {0}，准确率 {1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;b&gt;The baseline beats this model&lt;/b&gt;: its macro-F1 is above the model&apos;s 95 % CI. A linear model does better on these notes: try the n-gram architecture before saving.</source>
        <translation>&lt;b&gt;基线优于此模型&lt;/b&gt;：其宏平均F1 高于该模型的 95% 置信区间。线性模型在这些病历上表现更好：保存前请试试 n-gram 架构。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>macro-F1</source>
        <translation>宏平均F1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AUC</source>
        <translation>AUC</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;{0}-fold cross-validation&lt;/b&gt; (mean ± SD): {1}</source>
        <translation>&lt;b&gt;{0} 折交叉验证&lt;/b&gt;（均值 ± 标准差）：{1}</translation>
    </message>
</context>
<context>
    <name>ExceptionRelay</name>
    <message>
        <location filename="../../medgui/ui/app.py" line="-68"/>
        <source>Internal error</source>
        <translation>内部错误</translation>
    </message>
</context>
<context>
    <name>FrameNavigator</name>
    <message>
        <location filename="../../medgui/ui/imaging/frames.py" line="+51"/>
        <location line="+77"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Play the frames as a loop (cine)</source>
        <translation>循环播放各帧（电影模式）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> fps</source>
        <translation> 帧/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cine speed, frames per second</source>
        <translation>电影播放速度，每秒帧数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Previous frame (Left / Up arrow)</source>
        <translation>上一帧（左/上方向键）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next frame (Right / Down arrow; PgUp/PgDn jump, Home/End)</source>
        <translation>下一帧（右/下方向键；PgUp/PgDn 跳转，Home/End）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Frame</source>
        <translation>帧</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <location filename="../../medgui/ui/help.py" line="+39"/>
        <source>Zoom the image in / out (when the image has the focus)</source>
        <extracomment>Keys the views handle themselves (no action to read them from).</extracomment>
        <translation>放大/缩小图像（图像具有焦点时）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fit the image / show it at 100 %</source>
        <translation>图像适应窗口 / 按 100 % 显示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Invert the image</source>
        <translation>反相显示图像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous / next frame of a multi-frame image</source>
        <translation>多帧图像的上一帧/下一帧</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Undo / redo in the record editor (back to the last pause)</source>
        <translation>在病历编辑器中撤销/重做（回到上次停顿处）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move between the search box, filters, list and editor</source>
        <translation>在搜索框、筛选器、列表和编辑器之间切换</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <location line="+70"/>
        <source>medgui help</source>
        <translation>medgui 帮助</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user guide could not be read ({0}): {1}</source>
        <translation>无法读取用户指南（{0}）：{1}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>User guide</source>
        <translation>用户指南</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active models</source>
        <translation>当前模型</translation>
    </message>
</context>
<context>
    <name>Highlight</name>
    <message>
        <location filename="../../medgui/ui/records/record_models.py" line="+144"/>
        <source>not read by the model: it reads only the start of a long text</source>
        <translation>模型未读取：长文本只读取开头部分</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>not read by the model</source>
        <translation>模型未读取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weight {0}</source>
        <translation>权重 {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+21"/>
        <source>negated finding</source>
        <translation>否定的发现</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>toward the label</source>
        <translation>支持该标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>away from it</source>
        <translation>反对该标签</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../medgui/ui/audit/history_view.py" line="+145"/>
        <source>Audit history</source>
        <translation>审计记录</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location line="-113"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reading</source>
        <translation>判读</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>All entries</source>
        <translation>全部条目</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Readings</source>
        <translation>判读</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Read-only: entries are never changed or removed. Each holds the hash of the one before, so an edited entry breaks the chain.</source>
        <translation>只读：条目永不更改或删除。每个条目都含有前一条目的哈希值，因此任何被修改的条目都会使哈希链断裂。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reading the audit trail…</source>
        <translation>正在读取审计记录…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>entry hash {0}</source>
        <translation>条目哈希 {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The audit trail could not be read</source>
        <translation>无法读取审计记录</translation>
    </message>
</context>
<context>
    <name>ImagePane</name>
    <message>
        <location filename="../../medgui/ui/imaging/image_pane.py" line="+109"/>
        <source>No image open</source>
        <translation>未打开图像</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Classify automatically on open</source>
        <translation>打开时自动分类</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reading</source>
        <translation>判读结果</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Measurements</source>
        <translation>测量</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DICOM header</source>
        <translation>DICOM 头信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Study</source>
        <translation>检查</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Listing images in {0}…</source>
        <translation>正在列出 {0} 中的图像…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{0} image(s) in {1}</source>
        <translation>{1} 中有 {0} 幅图像</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not open {0}</source>
        <translation>无法打开 {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Could not open image</source>
        <translation>无法打开图像</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Classifying {0}…</source>
        <translation>正在对 {0} 分类…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classifying {0}… (starting the analysis engine, first use takes a few seconds)</source>
        <translation>正在对 {0} 分类…（正在启动分析引擎，首次使用需要几秒钟）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>not applicable</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not classify image</source>
        <translation>无法对图像分类</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Classification cancelled.</source>
        <translation>分类已取消。</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <location filename="../../medgui/ui/imaging/image_view.py" line="+96"/>
        <source>Preparing the image viewer…</source>
        <translation>正在准备图像查看器…</translation>
    </message>
</context>
<context>
    <name>ImbalancePage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_pages.py" line="+120"/>
        <source>Class imbalance and augmentation</source>
        <translation>类别不平衡与数据增强</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A class with fewer examples gets more weight in the loss, so the model does not learn to ignore it. Weights computed on the training split:</source>
        <translation>样本较少的类别在损失中获得更大的权重，使模型不会学会忽略它。按训练集计算的权重：</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+25"/>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="-25"/>
        <location line="+25"/>
        <source>training images</source>
        <translation>训练图像数</translation>
    </message>
    <message>
        <location line="-25"/>
        <location line="+26"/>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Augment training images</source>
        <translation>增强训练图像</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Horizontal flip</source>
        <translation>水平翻转</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>training texts</source>
        <translation>训练文本数</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>1 (not weighted)</source>
        <translation>1（不加权）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../medgui/ui/main_window.py" line="+47"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>X-ray images ({0})</source>
        <translation>X 线图像 ({0})</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>medgui — diagnosis support</source>
        <translation>medgui — 辅助诊断</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Images</source>
        <translation>影像</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Records</source>
        <translation>病历</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading analysis engine…</source>
        <translation>正在加载分析引擎…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open image…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;folder…</source>
        <translation>打开文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List the images of a folder or a DICOM disc</source>
        <translation>列出文件夹或 DICOM 光盘中的图像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Fit to window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Actual size (100 %)</source>
        <translation>实际大小(&amp;A) (100 %)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Invert</source>
        <translation>反相(&amp;I)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Reset view</source>
        <translation>重置视图(&amp;R)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Window &amp;preset</source>
        <translation>窗宽/窗位预设(&amp;P)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image model: loading…</source>
        <translation>图像模型：正在加载…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Text model: …</source>
        <translation>文本模型：…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Model &amp;manager…</source>
        <translation>模型管理器(&amp;M)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Train a new model…</source>
        <translation>训练新模型(&amp;T)…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Active &amp;models</source>
        <translation>当前模型(&amp;M)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;About medgui</source>
        <translation>关于 medgui(&amp;A)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The language changes when medgui is next started.</source>
        <translation>语言将在下次启动 medgui 时更改。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Registered {0}</source>
        <translation>已注册 {0}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>About medgui</source>
        <translation>关于 medgui</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;medgui {0}&lt;/b&gt;&lt;br&gt;Offline diagnosis support for chest X-rays and clinical records.</source>
        <translation>&lt;b&gt;medgui {0}&lt;/b&gt;&lt;br&gt;胸部 X 线片和临床病历的离线辅助诊断。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open X-ray image</source>
        <translation>打开 X 线图像</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Open folder of images</source>
        <translation>打开图像文件夹</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Clear list</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Opened {0}; {1} more file(s) ignored.</source>
        <translation>已打开 {0}；忽略其余 {1} 个文件。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Analysis engine ready</source>
        <translation>分析引擎已就绪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image model: none loaded</source>
        <translation>图像模型：未加载</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>Text model: {0}</source>
        <translation>文本模型：{0}</translation>
    </message>
    <message>
        <location line="-17"/>
        <location line="+15"/>
        <source>none installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+14"/>
        <source>Model {0}</source>
        <translation>模型 {0}</translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+10"/>
        <source>Image model: {0}</source>
        <translation>图像模型：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No image model installed</source>
        <translation>未安装图像模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text model {0}</source>
        <translation>文本模型 {0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>That reading was by {0}; the active image model is now {1}. Press Classify for its reading.</source>
        <translation>该判读结果由 {0} 给出；当前图像模型已改为 {1}。按“分类”获取其判读结果。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No usable image model</source>
        <translation>没有可用的图像模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image model: none usable</source>
        <translation>图像模型：无可用模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Analysis engine stopped; it restarts on next use</source>
        <translation>分析引擎已停止；下次使用时将重新启动</translation>
    </message>
</context>
<context>
    <name>MeasurementList</name>
    <message>
        <location filename="../../medgui/ui/imaging/measure_tool.py" line="+184"/>
        <source>Measurements on this image (Distance / Angle in the tool bar)</source>
        <translation>此图像上的测量（工具栏中的“距离”/“角度”）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Angle</source>
        <translation>角度</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <location filename="../../medgui/ui/training/model_manager.py" line="+47"/>
        <source>name</source>
        <extracomment>The table&apos;s headers, by column (``COLUMNS`` are the keys).</extracomment>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../medgui/ui/training/card_view.py" line="+74"/>
        <location filename="../../medgui/ui/training/model_manager.py" line="+1"/>
        <source>active</source>
        <translation>当前使用</translation>
    </message>
    <message>
        <location filename="../../medgui/ui/training/model_manager.py" line="+1"/>
        <source>source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../medgui/ui/training/card_view.py" line="-53"/>
        <source>image</source>
        <extracomment>A task key as the user reads it.</extracomment>
        <translation>影像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>accuracy</source>
        <extracomment>The card&apos;s metric rows, by key.</extracomment>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>macro-f1</source>
        <translation>宏平均F1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>auc</source>
        <translation>AUC</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sensitivity</source>
        <translation>灵敏度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>specificity</source>
        <translation>特异度</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>{0} ± {1} (mean ± SD)</source>
        <translation>{0} ± {1}（均值 ± 标准差）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>(95 % CI {0} – {1})</source>
        <translation>（95% 置信区间 {0} – {1}）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>shipped with medgui</source>
        <translation>随 medgui 提供</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>created {0}</source>
        <translation>创建于 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>calls {0} when P ≥ {1}</source>
        <translation>P ≥ {1} 时判为 {0}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>sensitivity {0}, specificity {1}</source>
        <translation>灵敏度 {0}，特异度 {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>at the chosen threshold</source>
        <translation>在所选阈值下</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>examples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>evaluated on</source>
        <translation>评估数据</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{0}-fold cross-validation</source>
        <translation>{0} 折交叉验证</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Examples</source>
        <translation>样本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data sha256</source>
        <translation>数据 sha256</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unreadable files skipped</source>
        <translation>跳过的无法读取文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates removed</source>
        <translation>移除的重复项</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filed under two classes, left out</source>
        <translation>归入两个类别而排除的样本</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training data</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Training configuration</source>
        <translation>训练配置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This model may be no better than chance.</source>
        <translation>此模型可能不比随机水平好。</translation>
    </message>
    <message>
        <location filename="../../medgui/ui/training/model_manager.py" line="+40"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Activate</source>
        <translation>设为当前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>● active</source>
        <translation>● 当前使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shipped</source>
        <translation>内置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>yours</source>
        <translation>您的</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>broken: {0}</source>
        <translation>已损坏：{0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} cannot be used: {1}</source>
        <translation>{0} 无法使用：{1}</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Shipped models cannot be deleted</source>
        <translation>内置模型无法删除</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No models yet: train one with the training wizard.</source>
        <translation>还没有模型：请用训练向导训练一个。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The evaluation of {0} warns that it may be no better than chance:</source>
        <translation>{0} 的评估提示它可能并不优于随机猜测：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Make it the active {0} model anyway, used for every new reading?</source>
        <translation>仍将其设为当前{0}模型，用于之后的每次判读？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No better than chance</source>
        <translation>不优于随机猜测</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cannot activate the model: {0}</source>
        <translation>无法设为当前模型：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+38"/>
        <source>{0} is now the active {1} model.</source>
        <translation>{0} 现在是当前使用的{1}模型。</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Cannot delete: {0} is shipped with medgui and cannot be deleted; activate another model instead.</source>
        <translation>无法删除：{0} 随 medgui 提供，不能删除；请改为启用其他模型。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete {0}? Its files are removed from the registry; records that cite it keep the name.</source>
        <translation>删除 {0}？其文件将从模型库中移除；引用它的病历会保留该名称。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It is the active {0} model: once it is deleted, the default {0} model takes over (named when it is done).</source>
        <translation>它是当前使用的{0}模型：删除后，将由默认的{0}模型接替（完成时会显示其名称）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Deleted {0}.</source>
        <translation>已删除 {0}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No {0} model is left: train or import one.</source>
        <translation>已没有{0}模型：请训练或导入一个。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>medgui models ({0});;Zip (*.zip)</source>
        <translation>medgui 模型 ({0});;Zip (*.zip)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Exported {0} to {1}.</source>
        <translation>已将 {0} 导出到 {1}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>medgui models ({0});;All files (*)</source>
        <translation>medgui 模型 ({0});;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not imported: {0} is already in your registry as {1} (the same files, by their sha256).</source>
        <translation>未导入：{0} 已作为 {1} 在您的模型库中（按 sha256 判断文件相同）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Imported {0}.</source>
        <translation>已导入 {0}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checking and importing {0}…</source>
        <translation>正在检查并导入 {0}…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not delete the model</source>
        <translation>无法删除模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not delete: {0}</source>
        <translation>无法删除：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not export the model</source>
        <translation>无法导出模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not export: {0}</source>
        <translation>无法导出：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not import the model</source>
        <translation>无法导入模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not import: {0}</source>
        <translation>无法导入：{0}</translation>
    </message>
</context>
<context>
    <name>ModelPage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_model.py" line="+30"/>
        <source>Model and training settings</source>
        <translation>模型与训练设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The defaults suit a first model; early stopping ends training when the validation loss stops improving.</source>
        <translation>默认值适合第一个模型；验证损失不再改善时，早停会结束训练。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+4"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Restore the weights of the best validation epoch</source>
        <translation>恢复验证效果最佳轮次的权重</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>k-fold needs at least 2 folds (or off).</source>
        <translation>k 折交叉验证至少需要 2 折（或关闭）。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Start from</source>
        <translation>起始模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Intensity</source>
        <translation>强度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dropout</source>
        <translation>Dropout 比例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Early-stopping patience (epochs)</source>
        <translation>早停耐心值（轮）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>k-fold cross-validation (folds)</source>
        <translation>k 折交叉验证（折数）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image size (pixels)</source>
        <translation>图像尺寸（像素）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vocabulary size</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sequence length (tokens)</source>
        <translation>序列长度（词元）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>k-fold trains k extra models on the training data and reports the mean and spread of each metric, before the final model is trained.</source>
        <translation>k 折交叉验证会在训练数据上额外训练 k 个模型，并在训练最终模型之前报告各项指标的均值和离散程度。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Does not apply to the TF-IDF model, which reads the whole note</source>
        <translation>不适用于 TF-IDF 模型，该模型读取整份病历</translation>
    </message>
</context>
<context>
    <name>PredictionPanel</name>
    <message>
        <location filename="../../medgui/ui/imaging/prediction_panel.py" line="+45"/>
        <source>Decision support only — not a diagnosis. Review the image yourself.</source>
        <translation>仅供辅助决策——不是诊断。请亲自审阅图像。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shown anyway: this image is outside what the model was trained on. These probabilities are not a reading; do not act on them.</source>
        <translation>仍然显示：此图像超出了模型的训练范围。这些概率不是判读结果；请勿据此采取行动。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Borderline: the probability of the finding is within {0} percentage points of the decision threshold, or the label goes against the more probable class (the probability lies between 50 % and the threshold).</source>
        <translation>临界：该发现的概率与决策阈值相差不到 {0} 个百分点，或标签与概率更高的类别相反（概率介于 50% 与阈值之间）。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Open an image to classify it.</source>
        <translation>打开一幅图像以进行分类。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Show anyway</source>
        <translation>仍然显示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the model&apos;s probabilities for this image, although it is outside the model&apos;s domain</source>
        <translation>显示模型对此图像给出的概率，尽管它超出了模型的适用范围</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Show heatmap</source>
        <translation>显示热图</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Highlight the regions that drove the reading (Grad-CAM)</source>
        <translation>突出显示影响判读的区域（Grad-CAM）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Heatmap opacity</source>
        <translation>热图不透明度</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Classification failed: {0}</source>
        <translation>分类失败：{0}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Borderline reading: P({0}) {1} is below the {2} threshold, and close to it. Weigh the image itself more than this label.</source>
        <translation>临界判读：P({0}) {1} 低于 {2} 的阈值，且接近该阈值。请更多地依据图像本身，而不是此标签。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Borderline reading: P({0}) {1} is at or above the {2} threshold, and close to it. Weigh the image itself more than this label.</source>
        <translation>临界判读：P({0}) {1} 达到或高于 {2} 的阈值，且接近该阈值。请更多地依据图像本身，而不是此标签。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{0}: {1}; the mark is the decision threshold on this bar ({2}).</source>
        <translation>{0}：{1}；标记为此条上的决策阈值（{2}）。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Decision threshold: {0} for {1}</source>
        <translation>{1} 的决策阈值：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The reading is {0} when its probability is at least {1} (the mark on the bars).</source>
        <translation>当 {0} 的概率至少为 {1}（各条上的标记）时，判读为 {0}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Decision threshold: {0}</source>
        <translation>决策阈值：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calibrated probabilities</source>
        <translation>校准后的概率</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model&apos;s probabilities were adjusted with its calibration map, so that on data like its validation data a reading of 70 % is right about 70 % of the time. The decision threshold applies to these calibrated probabilities.</source>
        <translation>模型的概率已按其校准映射调整：在与其验证数据相似的数据上，70 % 的判读大约有 70 % 的时候是正确的。决策阈值作用于这些校准后的概率。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Model: {0} · trained on ages {1}-{2} years</source>
        <translation>模型：{0} · 训练人群年龄 {1}-{2} 岁</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training population: {0}</source>
        <translation>训练人群：{0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This model reads chest radiographs; this reading may not apply: {0}.</source>
        <translation>此模型用于判读胸部 X 线片；此判读可能不适用：{0}。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not applicable</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not applicable: this image is outside what the model was trained on.</source>
        <translation>不适用：此图像超出了模型的训练范围。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{0} years</source>
        <translation>{0} 岁</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} months</source>
        <translation>{0} 个月</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} weeks</source>
        <translation>{0} 周</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} days</source>
        <translation>{0} 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} years or older</source>
        <translation>{0} 岁或以上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the patient&apos;s age ({0}) is outside the model&apos;s training population (ages {1}-{2} years)</source>
        <translation>患者年龄（{0}）超出模型训练人群的年龄范围（{1}-{2} 岁）</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Timing: {0}</source>
        <translation>耗时：{0}</translation>
    </message>
</context>
<context>
    <name>ReadingActions</name>
    <message>
        <location filename="../../medgui/ui/feedback.py" line="+99"/>
        <source>Agree</source>
        <translation>同意</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disagree</source>
        <translation>不同意</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>What the correct label is; type one if it is not listed</source>
        <translation>正确的标签；若不在列表中，请输入</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Comment (optional; no patient names)</source>
        <translation>备注（可选；请勿填写患者姓名）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save feedback</source>
        <translation>保存反馈</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export report…</source>
        <translation>导出报告…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Your assessment:</source>
        <translation>您的评估：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Correct label:</source>
        <translation>正确标签：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Comment:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Recording the reading in the audit trail…</source>
        <translation>正在将判读结果写入审计记录…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The reading could not be recorded in the audit trail</source>
        <translation>无法将判读结果写入审计记录</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recorded in the audit trail as entry #{0}. Agree or disagree to give your feedback.</source>
        <translation>已作为第 {0} 号条目写入审计记录。请选择“同意”或“不同意”提交反馈。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Saving your feedback…</source>
        <translation>正在保存您的反馈…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The feedback could not be saved</source>
        <translation>无法保存反馈</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>agree</source>
        <translation>同意</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>disagree, correct label {0}</source>
        <translation>不同意，正确标签为 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>disagree (no correct label given: not usable for training)</source>
        <translation>不同意（未给出正确标签：不能用于训练）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Feedback saved as audit entry #{0} ({1}). Saving again replaces it.</source>
        <translation>反馈已保存为第 {0} 号审计条目（{1}）。再次保存将替换它。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Writing the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The report could not be written</source>
        <translation>无法写入报告</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Report saved: {0}</source>
        <translation>报告已保存：{0}</translation>
    </message>
</context>
<context>
    <name>RecordBrowser</name>
    <message>
        <location filename="../../medgui/ui/records/record_list.py" line="+46"/>
        <source>Search text or patient…</source>
        <translation>搜索文本或患者…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Latest classification</source>
        <translation>最新分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Patient reference</source>
        <translation>患者编号</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move the record to the trash (Delete in the list)</source>
        <translation>将病历移至回收站（在列表中按 Delete）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In the record list: move the record to the trash (asks first)</source>
        <translation>在病历列表中：将病历移至回收站（会先询问）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the records in the trash</source>
        <translation>显示回收站中的病历</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete forever</source>
        <translation>永久删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import .txt files (one record each) or a .csv file</source>
        <translation>导入 .txt 文件（每个文件一份病历）或一个 .csv 文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export the records to a .csv file</source>
        <translation>将病历导出为 .csv 文件</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>All labels</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unclassified</source>
        <translation>未分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All patients</source>
        <translation>全部患者</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <location filename="../../medgui/ui/records/record_form.py" line="+27"/>
        <source>Write or paste the record here…</source>
        <translation>在此书写或粘贴病历…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No record is open: choose one in the list, or press New.</source>
        <translation>未打开病历：请在列表中选择一份，或按“新建”。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Pseudonymous reference, e.g. P-0042</source>
        <translation>化名编号，例如 P-0042</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+24"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undo ({0})</source>
        <translation>撤销（{0}）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redo ({0})</source>
        <translation>重做（{0}）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
</context>
<context>
    <name>RecordPane</name>
    <message>
        <location filename="../../medgui/ui/records/record_editor.py" line="+87"/>
        <source>Exported {0} record(s) to {1}</source>
        <extracomment>The model&apos;s latest suggestion for the open record (advice until accepted).</extracomment>
        <translation>已将 {0} 份病历导出到 {1}</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>{0} record(s) in the trash</source>
        <translation>回收站中有 {0} 份病历</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} record(s) shown</source>
        <translation>显示 {0} 份病历</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not open the record: {0}</source>
        <translation>无法打开病历：{0}</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+56"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The record database could not be read</source>
        <translation>无法读取病历数据库</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Untitled</source>
        <translation>无标题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not create a record</source>
        <translation>无法新建病历</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not duplicate</source>
        <translation>无法复制</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Move to the trash</source>
        <translation>移至回收站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move “{0}” to the trash? You can restore it from the Trash view.</source>
        <translation>将“{0}”移至回收站？您可以在回收站视图中恢复它。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(untitled)</source>
        <translation>（无标题）</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+19"/>
        <source>Could not delete</source>
        <translation>无法删除</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Could not restore</source>
        <translation>无法恢复</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Delete forever</source>
        <translation>永久删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete “{0}” and its classification history for good? This cannot be undone.</source>
        <translation>永久删除“{0}”及其分类历史？此操作无法撤销。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Imported {0} records ({1} shown)</source>
        <translation>已导入 {0} 份病历（显示 {1} 份）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported {0} record ({1} shown)</source>
        <translation>已导入 {0} 份病历（显示 {1} 份）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import records</source>
        <translation>导入病历</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Records (*.txt *.csv);;All files (*)</source>
        <translation>病历 (*.txt *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export records</source>
        <translation>导出病历</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The record could not be classified</source>
        <translation>无法对病历分类</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>The label could not be saved</source>
        <translation>无法保存标签</translation>
    </message>
</context>
<context>
    <name>RecordTableModel</name>
    <message>
        <location filename="../../medgui/ui/records/record_models.py" line="-144"/>
        <source>Title</source>
        <extracomment>Words after the ones the model read (it reads only the start of a long text).</extracomment>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Modified</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>RecordTransfer</name>
    <message>
        <location filename="../../medgui/ui/records/record_transfer.py" line="+55"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>ReliabilityChart</name>
    <message>
        <location filename="../../medgui/ui/training/charts.py" line="+74"/>
        <source>Reliability</source>
        <translation>可靠性</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>confidence (top predicted probability)</source>
        <translation>置信度（最高预测概率）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accuracy (share right)</source>
        <translation>准确率（正确比例）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No reliability data for this model.</source>
        <translation>此模型没有可靠性数据。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On the diagonal: the model is right as often as it says.</source>
        <translation>位于对角线上：模型的正确率与其给出的置信度一致。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ECE {0:.3f}: the mean gap between confidence and accuracy; below the diagonal the model is surer than it should be.</source>
        <translation>ECE {0:.3f}：置信度与准确率之间的平均差距；位于对角线下方表示模型过于自信。</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../medgui/ui/feedback.py" line="-254"/>
        <location line="+25"/>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Include identifying data (patient name, ID, birth date, file name)</source>
        <translation>包含身份识别数据（患者姓名、ID、出生日期、文件名）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Off: the report is de-identified and can be filed or shared without naming the patient</source>
        <translation>关闭时：报告已去标识化，可在不透露患者身份的情况下归档或共享</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Save the report as (PDF):</source>
        <translation>报告另存为（PDF）：</translation>
    </message>
</context>
<context>
    <name>RocChart</name>
    <message>
        <location filename="../../medgui/ui/training/charts.py" line="-90"/>
        <source>ROC curve</source>
        <translation>ROC 曲线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>1 − specificity (false-positive rate)</source>
        <translation>1 − 特异度（假阳性率）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sensitivity (true-positive rate)</source>
        <translation>灵敏度（真阳性率）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>AUC not available</source>
        <translation>AUC 不可用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>AUC {0}  (95 % CI {1} – {2})</source>
        <translation>AUC {0}（95% 置信区间 {1} – {2}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>AUC {0}</source>
        <translation>AUC {0}</translation>
    </message>
</context>
<context>
    <name>SavePage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_eval.py" line="+17"/>
        <source>Save the model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model enters your registry as a new version of this name.</source>
        <translation>模型将以此名称的新版本存入您的模型库。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What was this trained for, on which data, by whom…</source>
        <translation>训练目的、所用数据、训练者…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make it the active model for its task</source>
        <translation>设为该任务的当前模型</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The evaluation warns that this model may be no better than chance: saving it asks you to confirm.</source>
        <translation>评估提示此模型可能并不优于随机猜测：保存时将要求您确认。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The evaluation on the test split warns that this model may be no better than chance:</source>
        <translation>在测试集上的评估提示此模型可能并不优于随机猜测：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save it anyway and make it the active model, used for every new reading?</source>
        <translation>仍然保存并设为当前模型，用于之后的每次判读？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save it anyway?</source>
        <translation>仍然保存？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No better than chance</source>
        <translation>不优于随机猜测</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not saved. Go Back to change the settings and train again, or press Finish to be asked again.</source>
        <translation>未保存。返回上一步修改设置后重新训练，或按“完成”再次确认。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved as {0} (active)</source>
        <translation>已保存为 {0}（当前使用）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved as {0}</source>
        <translation>已保存为 {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saving the model failed</source>
        <translation>保存模型失败</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <location filename="../../medgui/ui/imaging/snapshot.py" line="+58"/>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
</context>
<context>
    <name>SplitPage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_pages.py" line="-166"/>
        <source>Split the data</source>
        <translation>划分数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each class is split in the same proportions. The test split is kept aside until the evaluation step.</source>
        <translation>每个类别按相同比例划分。测试集会保留到评估步骤才使用。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>e.g. ^(person\d+)_  (the first group is the patient ID)</source>
        <translation>例如 ^(person\d+)_ （第一个分组为患者 ID）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>group (patient)</source>
        <translation>分组（患者）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Training %</source>
        <translation>训练 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Validation %</source>
        <translation>验证 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test %</source>
        <translation>测试 %</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group by (regular expression)</source>
        <translation>分组依据（正则表达式）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Files of one group (patient) never span two splits. Preview:</source>
        <translation>同一分组（患者）的文件不会跨越两个划分。预览：</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Not a valid regular expression: {0}</source>
        <translation>不是有效的正则表达式：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Total {0} %</source>
        <translation>合计 {0} %</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Total {0} % — must be 100 %</source>
        <translation>合计 {0} % —— 必须为 100 %</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(none: each file on its own)</source>
        <translation>（无：每个文件单独成组）</translation>
    </message>
</context>
<context>
    <name>StudyList</name>
    <message>
        <location filename="../../medgui/ui/imaging/study_list.py" line="+37"/>
        <source>Open a folder or a DICOMDIR (File &gt; Open folder…) to list its images.</source>
        <translation>打开文件夹或 DICOMDIR（文件 &gt; 打开文件夹…）以列出其中的图像。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>No images found in {0}.</source>
        <translation>在 {0} 中未找到图像。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0}: {1} images in {2} series</source>
        <translation>{0}：{2} 个序列，共 {1} 幅图像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}: {1} image in {2} series</source>
        <translation>{0}：{2} 个序列，共 {1} 幅图像</translation>
    </message>
</context>
<context>
    <name>TagTable</name>
    <message>
        <location filename="../../medgui/ui/imaging/tag_table.py" line="+46"/>
        <source>Show identifying data</source>
        <translation>显示身份识别数据</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Patient names, IDs, dates and other identifying DICOM elements are masked until you tick this, for the file shown; every new file starts masked again.</source>
        <translation>患者姓名、ID、日期及其他可识别身份的 DICOM 元素会被遮盖，直到您为当前文件勾选此项；每打开一个新文件都会重新遮盖。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Filter tags…</source>
        <translation>筛选标记…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tag</source>
        <translation>标记</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No DICOM header (not a DICOM file).</source>
        <translation>无 DICOM 头信息（不是 DICOM 文件）。</translation>
    </message>
</context>
<context>
    <name>TaskPage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_pages.py" line="-237"/>
        <source>What will the model classify?</source>
        <translation>模型要分类什么？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick the kind of data; the later steps adapt to it.</source>
        <translation>选择数据类型；后续步骤会随之调整。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images (chest X-rays, any format the viewer opens)</source>
        <translation>图像（胸部 X 线片，查看器能打开的任何格式）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text (clinical notes: .txt files or a CSV/TSV table)</source>
        <translation>文本（临床病历：.txt 文件或 CSV/TSV 表格）</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <location filename="../../medgui/ui/training/wizard_train.py" line="+36"/>
        <source>estimating time remaining…</source>
        <translation>正在估算剩余时间…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about {0} s</source>
        <translation>约 {0} 秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about {0} min {1} s</source>
        <translation>约 {0} 分 {1} 秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about {0} h {1} min</source>
        <translation>约 {0} 小时 {1} 分</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>at most {0} remaining (early stopping may end it sooner)</source>
        <translation>最多剩余{0}（早停可能使其提前结束）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} remaining</source>
        <translation>剩余{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model trains in a process of its own; the main window, readings and records stay usable meanwhile.</source>
        <translation>模型在独立的进程中训练；在此期间，主窗口、判读和病历仍可正常使用。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancel training</source>
        <translation>取消训练</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting the training process (loading TensorFlow)…</source>
        <translation>正在启动训练进程（加载 TensorFlow）…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Cross-validation: fold {0} of {1}</source>
        <translation>交叉验证：第 {0} 折，共 {1} 折</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training the model</source>
        <translation>正在训练模型</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} — epoch {1} of {2}</source>
        <translation>{0} —— 第 {1} 轮，共 {2} 轮</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training finished</source>
        <translation>训练完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training finished: the wizard shows the evaluation</source>
        <translation>训练完成：向导中显示了评估结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished. Test accuracy {0}: press Next for the full evaluation.</source>
        <translation>已完成。测试准确率 {0}：按“下一步”查看完整评估。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Training failed: {0} Go Back to change the settings.</source>
        <translation>训练失败：{0} 请返回上一步修改设置。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+2"/>
        <source>Training cancelled</source>
        <translation>训练已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled — nothing was registered. Go Back to change the settings, or Next from the Model step to train again.</source>
        <translation>已取消——没有登记任何模型。请返回上一步修改设置，或在“模型”步骤按“下一步”重新训练。</translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <location filename="../../medgui/ui/training/charts.py" line="-201"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+1"/>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>validation</source>
        <translation>验证</translation>
    </message>
</context>
<context>
    <name>TrainingWizard</name>
    <message>
        <location filename="../../medgui/ui/training/training_wizard.py" line="+70"/>
        <source>Train a model</source>
        <extracomment>The analysis-process job that trains (tests name a stand-in).</extracomment>
        <translation>训练模型</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>A model is training. Stop the training and close the wizard? The run is thrown away.</source>
        <translation>模型正在训练。要停止训练并关闭向导吗？本次训练将被丢弃。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The trained model has not been saved. Close the wizard and discard it? Press Keep, then Next, to evaluate and save it.</source>
        <translation>训练好的模型尚未保存。要关闭向导并丢弃它吗？按“保留”，再按“下一步”，即可评估并保存它。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Discard the training?</source>
        <translation>丢弃本次训练？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Model saved</source>
        <translation>模型已保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved as {0}.</source>
        <translation>已保存为 {0}。</translation>
    </message>
</context>
<context>
    <name>ViewOverlay</name>
    <message>
        <location filename="../../medgui/ui/imaging/overlay.py" line="+66"/>
        <source>Frame {0} / {1}</source>
        <translation>帧 {0} / {1}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>W {0}  L {1}</source>
        <translation>窗宽 {0}  窗位 {1}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom {0} %</source>
        <translation>缩放 {0} %</translation>
    </message>
</context>
<context>
    <name>ViewerToolBar</name>
    <message>
        <location filename="../../medgui/ui/imaging/viewer_toolbar.py" line="+35"/>
        <source>Viewer tools</source>
        <translation>查看器工具</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Rotate the view 90° counter-clockwise</source>
        <translation>将视图逆时针旋转 90°</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rotate the view 90° clockwise</source>
        <translation>将视图顺时针旋转 90°</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Flip ↔</source>
        <translation>翻转 ↔</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mirror the view left-right</source>
        <translation>左右镜像视图</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Flip ↕</source>
        <translation>翻转 ↕</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mirror the view top-bottom</source>
        <translation>上下镜像视图</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Measure a distance: click two points (mm when the file gives its pixel spacing)</source>
        <translation>测量距离：点击两个点（若文件提供像素间距则以毫米为单位）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Angle</source>
        <translation>角度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Measure an angle: click a point on the first arm, the vertex, then a point on the second arm</source>
        <translation>测量角度：依次点击第一条边上的一点、顶点、第二条边上的一点</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove the measurements</source>
        <translation>删除所有测量</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Overlay</source>
        <translation>叠加信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show patient, study, window/level and zoom on the image (identifying data stays masked until shown in the header panel)</source>
        <translation>在图像上显示患者、检查、窗宽/窗位和缩放信息（身份识别数据保持遮盖，直到在头信息面板中显示）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Snapshot…</source>
        <translation>快照…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save the image as shown (with the heatmap and its colour scale) as a PNG</source>
        <translation>将当前显示的图像（含热力图及其色标）保存为 PNG</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Measured {0}</source>
        <translation>测量结果 {0}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open an image first.</source>
        <translation>请先打开图像。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not save snapshot</source>
        <translation>无法保存快照</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved snapshot {0}</source>
        <translation>快照已保存 {0}</translation>
    </message>
</context>
<context>
    <name>WindowLevelControls</name>
    <message>
        <location filename="../../medgui/ui/imaging/window_level.py" line="+63"/>
        <source>Invert</source>
        <translation>反相</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reset view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Centre</source>
        <translation>窗位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Width</source>
        <translation>窗宽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
</context>
<context>
    <name>WindowPreset</name>
    <message>
        <location line="-48"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Default (header)</source>
        <translation>默认（文件头）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Full range</source>
        <translation>全范围</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lung</source>
        <translation>肺窗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bone</source>
        <translation>骨窗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Soft tissue</source>
        <translation>软组织窗</translation>
    </message>
</context>
<context>
    <name>WorkflowActions</name>
    <message>
        <location filename="../../medgui/ui/audit/workflow.py" line="+23"/>
        <source>Open images/ in the training wizard as an image dataset (one folder per label), and texts.csv as a text table (text column &apos;text&apos;, label column &apos;label&apos;).</source>
        <translation>在训练向导中将 images/ 作为图像数据集打开（每个标签一个文件夹），将 texts.csv 作为文本表格打开（文本列为 &apos;text&apos;，标签列为 &apos;label&apos;）。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Export &amp;report…</source>
        <translation>导出报告(&amp;R)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;de-identified copy…</source>
        <translation>导出去标识化副本(&amp;D)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The open DICOM (PS3.15 Basic Profile) or, from the Records tab, all records with patient references replaced</source>
        <translation>当前打开的 DICOM（PS3.15 基本配置文件），或在“病历”选项卡中导出全部病历（患者编号已替换）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audit &amp;history…</source>
        <translation>审计记录(&amp;H)…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export &amp;feedback as dataset…</source>
        <translation>将反馈导出为数据集(&amp;F)…</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>There is no reading to report: classify a record first.</source>
        <translation>没有可生成报告的判读结果：请先对病历分类。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no reading to report: classify an image first.</source>
        <translation>没有可生成报告的判读结果：请先对图像分类。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Export de-identified records</source>
        <translation>导出去标识化病历</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+19"/>
        <source>De-identified export failed</source>
        <translation>去标识化导出失败</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Exported {0} de-identified record(s) to {1}</source>
        <translation>已将 {0} 份去标识化病历导出到 {1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export de-identified copy</source>
        <translation>导出去标识化副本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a DICOM image first (or switch to the Records tab to export the records de-identified).</source>
        <translation>请先打开 DICOM 图像（或切换到“病历”选项卡，以导出去标识化的病历）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export de-identified DICOM</source>
        <translation>导出去标识化 DICOM</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>De-identified copy written to {0} (PS3.15 Basic Profile, patient characteristics kept)</source>
        <translation>去标识化副本已写入 {0}（PS3.15 基本配置文件，保留患者特征）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export feedback as dataset: choose a folder</source>
        <translation>将反馈导出为数据集：选择文件夹</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Feedback dataset: {0}</source>
        <translation>反馈数据集：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Feedback exported</source>
        <translation>反馈已导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>

Left out:{0}</source>
        <translation>

未包含：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The feedback could not be exported</source>
        <translation>无法导出反馈</translation>
    </message>
</context>
<context>
    <name>options</name>
    <message>
        <location filename="../../medgui/ui/training/option_texts.py" line="+19"/>
        <source>Compact CNN (default): separable conv blocks, batch norm, global pooling</source>
        <translation>紧凑 CNN（默认）：可分离卷积块、批归一化、全局池化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed CNN (the article&apos;s): Conv 32-64-64, Dense 64, about 11 M parameters</source>
        <translation>种子 CNN（原文章中的）：卷积 32-64-64，全连接 64，约 1100 万个参数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>TF-IDF of words and word pairs + softmax (default): a logistic regression in Keras, fitted to its optimum; reads the whole note</source>
        <translation>词与词对的 TF-IDF + softmax（默认）：Keras 中的逻辑回归，拟合至最优；读取整份病历</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bidirectional LSTM + max pooling</source>
        <translation>双向 LSTM + 最大池化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bidirectional GRU + max pooling</source>
        <translation>双向 GRU + 最大池化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Conv1D phrases + bidirectional GRU + max pooling</source>
        <translation>Conv1D 短语 + 双向 GRU + 最大池化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LSTM x2 (the seed article&apos;s)</source>
        <translation>LSTM ×2（种子文章中的）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SimpleRNN x2 (the seed article&apos;s)</source>
        <translation>SimpleRNN ×2（种子文章中的）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Class weights (default): n / (classes x count) in the loss</source>
        <translation>类别权重（默认）：损失中使用 n / (类别数 × 该类数量)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Oversample the training split (after splitting, never before)</source>
        <translation>对训练集过采样（在划分之后，绝不在之前）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The shipped chest X-ray model (recommended): fine-tunes its features, best on small data</source>
        <translation>从随附的胸片模型开始（推荐）：微调其特征，最适合小数据</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scratch: random weights; needs thousands of images</source>
        <translation>从头训练：随机权重；需要数千幅图像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CLAHE (default): evens out contrast between machines and exposures</source>
        <translation>CLAHE（默认）：均衡不同设备和曝光之间的对比度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None: the pixel values as stored</source>
        <translation>无：使用存储的原始像素值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Small rotations (±5°), shifts and zoom (±5 %) and contrast changes, applied to the training split only. Safe for chest X-rays.</source>
        <translation>小幅旋转（±5°）、平移和缩放（±5%）以及对比度变化，仅用于训练集。对胸部 X 线片是安全的。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Off by default: a horizontal flip moves the heart to the right side, which no real chest X-ray shows.</source>
        <translation>默认关闭：水平翻转会把心脏移到右侧，真实的胸部 X 线片不会出现这种情况。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leave them out (no single label is right)</source>
        <translation>排除它们（没有哪个单一标签是正确的）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the first label</source>
        <translation>使用第一个标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the label given most often</source>
        <translation>使用出现次数最多的标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One example per label</source>
        <translation>每个标签一个样本</translation>
    </message>
</context>
</TS>
